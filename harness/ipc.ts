/** Messages between the harness and its child processes (server, client workers), over Node's IPC channel. */
import type { ProcessCostSample } from './proc-stats.js';
import type { TransportName, TransportOptions } from './types.js';
import type { WireTotals } from './wire.js';
import type { ModelBytes } from './clients/client.js';

export interface ServerConfig {
  transport: TransportName;
  host: string;
  port: number;
  profile: string;
  payloadBytes: number;
  options: TransportOptions;
  injectServerCostUs: number;
}

export type ToServer =
  | { type: 'start'; config: ServerConfig }
  /** Publish `count` messages, message k at startUs + (k - 1) * 1e6 / rate (monotonic microseconds). */
  | { type: 'publish'; count: number; rate: number; startUs: number }
  | { type: 'snapshot' }
  | { type: 'sample' };

export type FromServer =
  | { type: 'listening'; port: number }
  | { type: 'published'; lastSeq: number; lateMaxMs: number }
  | { type: 'snapshot'; wire: WireTotals; cost: ProcessCostSample; subscribers: number }
  | { type: 'sample'; cost: ProcessCostSample; connections: number }
  | { type: 'fatal'; message: string; code?: string };

export interface WorkerConfig {
  transport: TransportName;
  host: string;
  port: number;
  /** Source addresses to spread this worker's clients over. */
  localAddresses: string[];
  clients: number;
  /** Connections this worker opens per second; 0 = all at once. */
  connectRate: number;
  profile: string;
  options: TransportOptions;
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
}

export type ToWorker =
  | { type: 'start'; config: WorkerConfig }
  | { type: 'window' }
  | { type: 'finish'; lastSeq: number }
  | { type: 'stop' }
  | { type: 'report' }
  | { type: 'close' };

export type FromWorker =
  | { type: 'progress'; subscribed: number; received: number; bytesReceived: number; cost: ProcessCostSample; latencyP50Us: number; latencyP99Us: number }
  | { type: 'subscribed'; subscribed: number; connectMs: number }
  | { type: 'done' }
  | { type: 'report'; tally: WorkerTally; cost: ProcessCostSample }
  | { type: 'fatal'; message: string };
