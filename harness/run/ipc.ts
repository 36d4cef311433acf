/** Messages between the harness and its child processes (server, client workers), over Node's IPC channel. */
import type { ProcessCostSample } from '../measure/proc-stats.js';
import type { PublishLateness, ServerKind, TransportName, TransportOptions } from '../../results/types.js';
import type { WireTotals } from '../measure/wire.js';
import type { ModelBytes } from '../transports/client.js';
import type { TimelineCounts } from '../../results/timeline.js';
import type { FaultMark, FaultWorkerReport } from '../faults/watch.js';
import type { TlsMaterial } from '../protocol/tls.js';

export interface ServerConfig {
  transport: TransportName;
  host: string;
  port: number;
  profile: string;
  payloadBytes: number;
  options: TransportOptions;
  injectServerCostUs: number;
  /**
   * `--pattern staggered`: phases per period (harness/run/pattern.ts `staggerSlots`); absent or 1: a broadcast, every
   * client's message due at once.
   */
  slots?: number;
  /** Processes behind the one port: 1 serves in this process; more makes it a cluster primary of that many workers. */
  processes: number;
  /**
   * A server restarted during a fault run: before listening, its feed holds every message of this schedule due so
   * far (a durable feed), and it publishes the rest on schedule without being told.
   */
  resumeFeed?: { count: number; rate: number; startUs: number };
  /** Serve over TLS with this certificate and key (held in memory only). */
  tls?: TlsMaterial;
  /** What serves (absent: `embedded`); see harness/servers/. */
  server?: ServerKind;
  /** Descriptors the busiest server process may hold, as planned (nginx's worker_rlimit_nofile). */
  fds?: number;
  /** Clients that will subscribe (nchan: publishing waits until it holds them all). */
  clients?: number;
  /** Messages the run will publish (nchan keeps them all for polls that catch up). */
  messages?: number;
  /** `external`: the target URL, publish URL, the PID or command of the user's server. */
  target?: string | null;
  publishUrl?: string | null;
  serverPid?: number | null;
  serverCmd?: string | null;
}

/** One server process's own figures, reported so merged totals can be checked against their parts. */
export interface ServerPart {
  pid: number;
  /** `primary` accepts and hands connections out (no sockets of its own); `worker` or `single` serve them. */
  role: 'primary' | 'worker' | 'single';
  wire: WireTotals;
  cost: ProcessCostSample;
  subscribers: number;
}

export type ToServer =
  | { type: 'start'; config: ServerConfig }
  /**
   * Publish `count` messages, message k at startUs + (k - 1) * 1e6 / rate (monotonic microseconds); staggered, for
   * slot j of K that plus j * 1e6 / (rate * K).
   */
  | { type: 'publish'; count: number; rate: number; startUs: number }
  | { type: 'snapshot' }
  /** Collect garbage, then report resident memory (for per-connection memory: idle vs connected). */
  | { type: 'memory' }
  /** Fault runs (reconnect storm): reset every client connection at once (TCP RST). */
  | { type: 'reset-all' };

export type FromServer =
  /** A cluster worker's message handler is in place (an ESM module loads asynchronously; earlier messages are lost). */
  | { type: 'ready' }
  /** `host`: where the clients dial, when it is not the run's `--host` (an external target). */
  | { type: 'listening'; port: number; host?: string }
  | { type: 'published'; lastSeq: number; lateness: PublishLateness }
  /** `wireAt: 'clients'`: the server could not count its sockets (not pushbench's); the clients' counts stand. */
  | { type: 'snapshot'; wire: WireTotals; cost: ProcessCostSample; subscribers: number; acceptErrors?: Record<string, number>; parts?: ServerPart[]; wireAt?: 'clients' }
  /** `connections`: open when the reading was taken (for the slope of memory against connections during the ramp). */
  | { type: 'memory'; rssBytes: number; processes: number; connections?: number }
  | { type: 'reset'; connections: number }
  /** Pushed once a second: cost so far, open connections, and the last sequence number published. */
  | { type: 'sample'; cost: ProcessCostSample; connections: number; published: number; bufferedBytes?: number }
  | { type: 'fatal'; message: string; code?: string };

export interface WorkerConfig {
  transport: TransportName;
  host: string;
  port: number;
  /** Source addresses to spread this worker's clients over. */
  localAddresses: string[];
  /** Index of this worker's first client among all clients (source address and port are assigned by it). */
  firstClient?: number;
  /** First source port per address when the planner assigns ports (client g: address g mod A, port base + g div A); 0 = kernel's choice. */
  localPortBase?: number;
  clients: number;
  /** Connections this worker opens per second; 0 = all at once. */
  connectRate: number;
  /** Paced connecting only: at most this many of the worker's clients opened and not yet subscribed (0: no cap). */
  maxConnecting?: number;
  profile: string;
  options: TransportOptions;
  /** Over TLS: the certificate (PEM) the clients trust, as a browser trusts its roots. */
  tlsCa?: string;
  /** What the clients talk to (absent: `embedded`): selects the client dialect (harness/servers/). */
  server?: ServerKind;
  /** Fault runs: record each client's fault (harness/faults/watch.ts); slow consumers among them. */
  fault?: WorkerFaultConfig;
}

export interface WorkerFaultConfig {
  /** Share of the clients that read slowly once the fault begins (evenly spread by global client index), and how slowly. */
  slowShare: number;
  slowReadBytesPerS: number;
}

export interface WorkerTally {
  subscribed: number;
  delivered: number;
  duplicated: number;
  reordered: number;
  received: number;
  payloadBytes: number;
  model: ModelBytes;
  errors: Record<string, number>;
  /** Encoded HdrHistogram of latencies in microseconds. */
  histogram: string;
  /** Latency by publish time since the window's start. */
  timeline: TimelineCounts;
  /** Bytes counted at this worker's client sockets (absent from older workers). */
  wire?: WireTotals;
}

export type ToWorker =
  | { type: 'start'; config: WorkerConfig }
  /** The window starts at `startUs` (the timeline's buckets count from it); latency percentiles from `latencyFromUs`. */
  /**
   * `finalSeq`: the last sequence number that will be published; the clients' ledger closes a poll socket's window
   * at the first poll whose cursor already holds it, as the server's does.
   */
  | { type: 'window'; startUs: number; bucketS: number; latencyFromUs: number; finalSeq?: number }
  /** Fault runs: the fault begins now (harness/faults/watch.ts). */
  | { type: 'fault'; mark: FaultMark }
  | { type: 'finish'; lastSeq: number }
  | { type: 'stop' }
  | { type: 'report' }
  | { type: 'close' };

export type FromWorker =
  | { type: 'progress'; subscribed: number; received: number; bytesReceived: number; cost: ProcessCostSample; latencyP50Us: number; latencyP99Us: number }
  /**
   * `idleRssBytes` before any client existed, `rssBytes` once all subscribed, both after a garbage collection (the
   * median of the readings in `idleRssSamples` and `rssSamples`).
   */
  | { type: 'subscribed'; subscribed: number; connectMs: number; idleRssBytes?: number; rssBytes?: number; idleRssSamples?: number[]; rssSamples?: number[] }
  | { type: 'done' }
  | { type: 'report'; tally: WorkerTally; cost: ProcessCostSample; nodeArgs: string[]; fault?: FaultWorkerReport }
  | { type: 'fatal'; message: string };

/** In a child: a start-up that fails is reported to the harness as 'fatal', then the child exits (code 3). */
export function startOrDie(starting: Promise<void>, send: (msg: { type: 'fatal'; message: string }) => void): void {
  starting.catch((e: Error) => {
    send({ type: 'fatal', message: e.message });
    setTimeout(() => process.exit(3), 50);
  });
}
