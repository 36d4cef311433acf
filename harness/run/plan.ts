/**
 * How many processes and source addresses a run needs, from the machine's limits and the asked client count.
 * Pure: limits in, plan out, so the refusal cases are unit-tested.
 *
 * Three limits shape a plan: open files per process (every connection is a descriptor at both ends), ephemeral
 * ports per source address (about 28k towards one server port on Linux), and memory. A transport's server is spread
 * over several processes behind one port (node:cluster, round-robin), clients over several worker processes and
 * loopback source addresses.
 */
import { EnvironmentError } from '../errors.js';
import type { RunOptions } from '../../results/types.js';

export interface Limits {
  /** RLIMIT_NOFILE of the harness (children inherit it). */
  openFiles: number;
  /** Ephemeral ports available per source address towards one server port. */
  ephemeralPorts: number;
  cpus: number;
  /** Whether 127.0.0.2 and up are usable as source addresses (Linux routes all of 127/8 to lo). */
  wholeLoopbackNet: boolean;
  /** Physical memory; when known, a plan whose estimate does not fit is refused. */
  memoryBytes?: number;
}

export interface Plan {
  /** Processes serving one transport behind one port (1: a plain server process; more: a cluster primary and N workers). */
  serverProcesses: number;
  workers: number;
  clientsPerWorker: number[];
  /** Source addresses, client g of all clients connecting from address g mod N. */
  localAddresses: string[];
  /** With several source addresses, client g binds port localPortBase + g div N (0: the kernel picks). */
  localPortBase: number;
  /** File descriptors the busiest server process will hold at the peak (its share, skew allowance, reserve). */
  serverFds: number;
  /** File descriptors the busiest worker will hold at the peak. */
  workerFds: number;
  /** Planning estimate of resident memory at the peak, all processes (not a measurement). */
  estimatedMemoryBytes: { server: number; clients: number };
}

/** Descriptors a Node process uses besides its connections (stdio, IPC, epoll, libuv, listening socket). */
export const FD_RESERVE = 64;
/** Clients one worker simulates by default before another worker is added. */
export const CLIENTS_PER_WORKER = 10_000;
/**
 * Round-robin hands connections to cluster workers in turn, but a busy worker is skipped while it acknowledges the
 * previous handle, so shares drift: plan each server process for its even share plus this much.
 */
export const CLUSTER_SKEW = 1.25;
export const MAX_SERVER_PROCESSES = 64;
export const MAX_WORKERS = 256;
/**
 * Planning estimates only (what a refusal is based on before anything runs); the measured per-connection memory of
 * each transport is in every results file (`runs[].memory`).
 */
export const ESTIMATE_PROCESS_BASE_BYTES = 64 * 2 ** 20;
export const ESTIMATE_SERVER_BYTES_PER_CONNECTION = 32 * 2 ** 10;
export const ESTIMATE_CLIENT_BYTES_PER_CONNECTION = 16 * 2 ** 10;
/** Share of physical memory a plan may use; the rest is the kernel's (socket buffers) and everyone else's. */
const MEMORY_USE = 0.7;
/** Keep a margin below the ephemeral range: TIME_WAIT sockets of a previous run hold ports too. */
const PORT_USE = 0.9;
/**
 * First source port the planner assigns. Above the registered services people run on loopback; addresses from
 * 127.0.0.2 up are used by nothing else, so these ports are free there (a taken one falls back to the kernel's pick).
 */
export const LOCAL_PORT_BASE = 20_000;

/** Connections one server process can hold when `processes` share the port. */
export function serverCapacityPerProcess(openFiles: number, processes: number): number {
  const free = openFiles - FD_RESERVE;
  return processes > 1 ? Math.floor(free / CLUSTER_SKEW) : free;
}

/** Descriptors the busiest of `processes` server processes holds for `clients`. */
function serverFdsFor(clients: number, processes: number): number {
  const share = Math.ceil(clients / processes);
  return (processes > 1 ? Math.ceil(share * CLUSTER_SKEW) : share) + FD_RESERVE;
}

/**
 * Plans a run, or throws EnvironmentError with the reason and the fix.
 * `requestedWorkers` and `requestedServerProcesses`: 0 means planned here.
 */
export function planRun(clients: number, requestedWorkers: number, host: string, limits: Limits, requestedServerProcesses = 0): Plan {
  if (limits.openFiles < FD_RESERVE * 2) {
    throw new EnvironmentError(`the open-files limit is ${limits.openFiles}, too low for any run; raise it (ulimit -n 4096)`);
  }
  const perServer = serverCapacityPerProcess(limits.openFiles, 2);
  const minServers = clients <= limits.openFiles - FD_RESERVE ? 1 : Math.ceil(clients / perServer);
  if (requestedServerProcesses === 0 && minServers > MAX_SERVER_PROCESSES) {
    const fit = MAX_SERVER_PROCESSES * perServer;
    throw new EnvironmentError(
      `${clients} clients need ${minServers} server processes at an open-files limit of ${limits.openFiles} (at most ${MAX_SERVER_PROCESSES}); ` +
        `raise it (ulimit -n ${Math.ceil((clients / MAX_SERVER_PROCESSES) * CLUSTER_SKEW) + FD_RESERVE}) or ask for at most ${fit} clients`,
    );
  }
  const serverProcesses = requestedServerProcesses > 0 ? requestedServerProcesses : minServers;
  if (serverProcesses > clients) {
    throw new EnvironmentError(`--server-processes ${serverProcesses} is more than the ${clients} clients; use at most ${clients}`);
  }
  const serverFds = serverFdsFor(clients, serverProcesses);
  if (serverFds > limits.openFiles) {
    const raise = serverFds;
    throw new EnvironmentError(
      `${clients} clients in ${serverProcesses} server process(es) need ${serverFds} open files each but the limit is ${limits.openFiles}; ` +
        (requestedServerProcesses > 0 ? `use --server-processes ${minServers} or more (0 plans it), or ` : '') +
        `raise it (ulimit -n ${raise})`,
    );
  }

  const perWorkerMax = limits.openFiles - FD_RESERVE;
  const minWorkers = Math.ceil(clients / perWorkerMax);
  const workers = requestedWorkers > 0 ? requestedWorkers : Math.max(minWorkers, Math.ceil(clients / CLIENTS_PER_WORKER));
  if (workers < minWorkers) {
    throw new EnvironmentError(
      `${clients} clients in ${workers} worker(s) need ${Math.ceil(clients / workers) + FD_RESERVE} open files each but the limit is ` +
        `${limits.openFiles}; use --workers ${minWorkers} or more`,
    );
  }
  if (workers > clients) throw new EnvironmentError(`--workers ${workers} is more than the ${clients} clients; use at most ${clients}`);
  if (workers > MAX_WORKERS) {
    throw new EnvironmentError(`${clients} clients need ${workers} client workers (at most ${MAX_WORKERS}); raise the open-files limit (ulimit -n)`);
  }
  const clientsPerWorker = Array.from({ length: workers }, (_, i) => Math.floor(clients / workers) + (i < clients % workers ? 1 : 0));

  const perAddress = Math.min(Math.floor(limits.ephemeralPorts * PORT_USE), 65_535 - LOCAL_PORT_BASE);
  const addressesNeeded = Math.ceil(clients / perAddress);
  const loopback = host.startsWith('127.');
  if (addressesNeeded > 1 && !(loopback && limits.wholeLoopbackNet)) {
    throw new EnvironmentError(
      `${clients} clients need ${addressesNeeded} source addresses (about ${perAddress} connections each to one port) but only one is ` +
        `usable here; ask for at most ${perAddress} clients`,
    );
  }
  if (addressesNeeded > 253) throw new EnvironmentError(`${clients} clients need ${addressesNeeded} source addresses; ask for at most ${253 * perAddress}`);
  // 127.0.0.1 is left to the servers (and everyone else): explicit source ports there could collide with a listener.
  const localAddresses = addressesNeeded > 1 ? Array.from({ length: addressesNeeded }, (_, i) => `127.0.0.${i + 2}`) : [];

  const estimatedMemoryBytes = {
    server: serverProcesses * ESTIMATE_PROCESS_BASE_BYTES + (serverProcesses > 1 ? ESTIMATE_PROCESS_BASE_BYTES : 0) + clients * ESTIMATE_SERVER_BYTES_PER_CONNECTION,
    clients: workers * ESTIMATE_PROCESS_BASE_BYTES + clients * ESTIMATE_CLIENT_BYTES_PER_CONNECTION,
  };
  if (limits.memoryBytes) {
    const total = estimatedMemoryBytes.server + estimatedMemoryBytes.clients;
    const budget = limits.memoryBytes * MEMORY_USE;
    if (total > budget) {
      const perClient = ESTIMATE_SERVER_BYTES_PER_CONNECTION + ESTIMATE_CLIENT_BYTES_PER_CONNECTION;
      const fit = Math.max(0, Math.floor((budget - (serverProcesses + 1 + workers) * ESTIMATE_PROCESS_BASE_BYTES) / perClient));
      throw new EnvironmentError(
        `${clients} clients are estimated to need ${mib(total)} MiB of memory but ${mib(budget)} MiB is the most a run may use here ` +
          `(${Math.round(MEMORY_USE * 100)}% of ${mib(limits.memoryBytes)} MiB); ask for at most ${fit} clients`,
      );
    }
  }
  return {
    serverProcesses,
    workers,
    clientsPerWorker,
    localAddresses,
    localPortBase: localAddresses.length > 0 ? LOCAL_PORT_BASE : 0,
    serverFds,
    workerFds: Math.max(...clientsPerWorker) + FD_RESERVE,
    estimatedMemoryBytes,
  };
}

/** A plan and the limits it was made from: made once per run, before anything starts, and handed down. */
export interface PlannedRun {
  plan: Plan;
  limits: Limits;
}

/** Plans a run's options against the given limits; throws EnvironmentError as `planRun` does. */
export function planFor(o: Pick<RunOptions, 'clients' | 'workers' | 'host' | 'serverProcesses'>, limits: Limits): PlannedRun {
  return { plan: planRun(o.clients, o.workers, o.host, limits, o.serverProcesses ?? 0), limits };
}

const mib = (b: number): number => Math.round(b / 2 ** 20);

/** The plan for humans, printed on stderr before a run starts. */
export function describePlan(plan: Plan, clients: number, limits: Limits, run?: { connectRate?: number | 'auto'; cpuSplit?: boolean }): string {
  const addresses =
    plan.localAddresses.length > 0
      ? `${plan.localAddresses[0]}..${plan.localAddresses.at(-1)} (${plan.localAddresses.length}), ports from ${plan.localPortBase}`
      : 'the default (1)';
  return [
    `plan for ${clients} clients (open-files limit ${limits.openFiles} per process, ${limits.cpus} cores):`,
    `  server: ${plan.serverProcesses === 1 ? '1 process' : `${plan.serverProcesses} processes behind one port (cluster, round-robin)`}, ` +
      `up to ${plan.serverFds} descriptors each, about ${mib(plan.estimatedMemoryBytes.server)} MiB (estimate)`,
    `  clients: ${plan.workers} worker process(es) of ${Math.min(...plan.clientsPerWorker)}-${Math.max(...plan.clientsPerWorker)} clients, ` +
      `up to ${plan.workerFds} descriptors each, about ${mib(plan.estimatedMemoryBytes.clients)} MiB (estimate)`,
    `  source addresses: ${addresses}`,
    ...(run ? [describeConnect(run.connectRate, clients)] : []),
    ...(run?.cpuSplit ? [describeCpuSplit(limits.cpus)] : []),
  ].join('\n');
}

/**
 * Above this many clients, opening every connection at once stopped working on this project's 2-core machine: 20,000
 * WebSocket clients took 70 s and lost messages, 30,000 had 16,022 handshakes closed and retried, 100,000 ended in an
 * ECONNRESET storm (measured with `--connect-rate 0`; docs/scale.md).
 */
export const ALL_AT_ONCE_MAX_CLIENTS = 10_000;
/** The rate the plan chooses above it: what the scale scenarios use, and what the 100k runs connected at. */
export const AUTO_CONNECT_RATE_PER_S = 3000;

/**
 * Paced connecting keeps at most this many connections opened and not yet subscribed, over all workers. With one port
 * behind a cluster, the primary accepts every connection and holds it until a worker takes it: at 3,000/s into busy
 * workers it held 20,000 (its whole open-files limit, measured at 60,000 WebSocket clients), and at the limit libuv
 * accepts and closes at once, so clients saw 180,000 ECONNRESET and 220,000 closes before the handshake at 100,000.
 * A cap on the handshakes in flight turns the ramp into one that waits for the server instead.
 */
export const MAX_CONNECTING = 1000;

/**
 * How many clients a paced worker opens on this tick: its batch, no more than its cap leaves room for (opened minus
 * subscribed is what is in flight, retries included), never past its last client.
 */
export function connectBatch(o: { opened: number; subscribed: number; total: number; perTick: number; maxConnecting?: number }): number {
  const room = o.maxConnecting ? Math.max(0, o.maxConnecting - (o.opened - o.subscribed)) : o.perTick;
  return Math.max(0, Math.min(o.perTick, room, o.total - o.opened));
}

/** `--connect-rate`: a number as given (0 = all at once); 'auto' = all at once up to ALL_AT_ONCE_MAX_CLIENTS, else a rate. */
export function resolveConnectRate(asked: number | 'auto' | undefined, clients: number): { ratePerS: number; auto: boolean } {
  if (typeof asked === 'number') return { ratePerS: asked, auto: false };
  return { ratePerS: clients > ALL_AT_ONCE_MAX_CLIENTS ? AUTO_CONNECT_RATE_PER_S : 0, auto: true };
}

/** The connect line of the printed plan. */
export function describeConnect(asked: number | 'auto' | undefined, clients: number): string {
  const { ratePerS, auto } = resolveConnectRate(asked, clients);
  const how = ratePerS > 0 ? `${ratePerS} new connections/s (about ${Math.ceil(clients / ratePerS)} s), at most ${MAX_CONNECTING.toLocaleString('en-US')} not yet subscribed at a time` : 'all at once';
  return `  connecting: ${how}` +
    (auto
      ? ratePerS > 0
        ? ` (chosen: more than ${ALL_AT_ONCE_MAX_CLIENTS} at once stall and reset connections here; --connect-rate 0 forces all at once)`
        : ` (chosen: up to ${ALL_AT_ONCE_MAX_CLIENTS} connect at once here; --connect-rate N sets a rate)`
      : ' (--connect-rate)');
}

/**
 * `--cpu-split`: the server processes on the first half of the cores (rounded up), the client workers on the rest;
 * on 2 cores one each. Null on one core, where there is nothing to split.
 */
export function cpuSplit(cores: number): { server: number[]; clients: number[] } | null {
  if (cores < 2) return null;
  const s = Math.ceil(cores / 2);
  return { server: Array.from({ length: s }, (_, i) => i), clients: Array.from({ length: cores - s }, (_, i) => s + i) };
}

/** The --cpu-split line of the printed plan. */
export function describeCpuSplit(cores: number): string {
  const split = cpuSplit(cores);
  if (!split) return `  cpu split: not possible on ${cores} core (nothing to split); servers and clients share it`;
  const list = (xs: number[]): string => (xs.length === 1 ? `core ${xs[0]}` : `cores ${xs[0]}-${xs.at(-1)}`);
  return `  cpu split: servers on ${list(split.server)}, client workers on ${list(split.clients)}` +
    (cores === 2 ? ' (one core each: each side gets half the machine, whatever the other needs)' : '');
}
