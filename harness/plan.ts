/**
 * How many processes and source addresses a run needs, from the machine's limits and the asked client count.
 * Pure: limits in, plan out, so the refusal cases are unit-tested.
 */
import { EnvironmentError } from './errors.js';

export interface Limits {
  /** RLIMIT_NOFILE of the harness (children inherit it). */
  openFiles: number;
  /** Ephemeral ports available per source address towards one server port. */
  ephemeralPorts: number;
  cpus: number;
  /** Whether 127.0.0.2 and up are usable as source addresses (Linux routes all of 127/8 to lo). */
  wholeLoopbackNet: boolean;
}

export interface Plan {
  workers: number;
  clientsPerWorker: number[];
  /** Source addresses, shared out round-robin within each worker. */
  localAddresses: string[];
  /** File descriptors the server process will hold at the peak. */
  serverFds: number;
  /** File descriptors the busiest worker will hold at the peak. */
  workerFds: number;
}

/** Descriptors a Node process uses besides its connections (stdio, IPC, epoll, libuv, listening socket). */
export const FD_RESERVE = 64;
/** Clients one worker simulates by default before another worker is added. */
export const CLIENTS_PER_WORKER = 10_000;
/** Keep a margin below the ephemeral range: TIME_WAIT sockets of a previous run hold ports too. */
const PORT_USE = 0.9;

export function planRun(clients: number, requestedWorkers: number, host: string, limits: Limits): Plan {
  const serverFds = clients + FD_RESERVE;
  if (serverFds > limits.openFiles) {
    throw new EnvironmentError(
      `${clients} clients need ${serverFds} open files in the server process but the limit is ${limits.openFiles}; ` +
        `raise it (ulimit -n ${serverFds}) or ask for at most ${limits.openFiles - FD_RESERVE} clients`,
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
  const clientsPerWorker = Array.from({ length: workers }, (_, i) => Math.floor(clients / workers) + (i < clients % workers ? 1 : 0));
  const perAddress = Math.floor(limits.ephemeralPorts * PORT_USE);
  const addressesNeeded = Math.ceil(clients / perAddress);
  const loopback = host.startsWith('127.');
  if (addressesNeeded > 1 && !(loopback && limits.wholeLoopbackNet)) {
    throw new EnvironmentError(
      `${clients} clients need ${addressesNeeded} source addresses (about ${perAddress} connections each to one port) but only one is ` +
        `usable here; ask for at most ${perAddress} clients`,
    );
  }
  const localAddresses = addressesNeeded > 1 ? Array.from({ length: addressesNeeded }, (_, i) => `127.0.0.${i + 1}`) : [];
  return { workers, clientsPerWorker, localAddresses, serverFds, workerFds: Math.max(...clientsPerWorker) + FD_RESERVE };
}
