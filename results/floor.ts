/**
 * Results of `pushbench floor`: what delivering one small message over loopback TCP costs a bare Node sender and a
 * bare Node receiver on this machine, the floor every transport's server and client cost is measured against.
 */
import type { Environment } from './types.js';

export const FLOOR_SCHEMA_VERSION = 1;

/** CPU per delivered message of one side, split as the kernel accounts it (process.cpuUsage). */
export interface FloorCost {
  userUsPerMessage: number;
  systemUsPerMessage: number;
  /** User + system. */
  cpuUsPerMessage: number;
  /** CPU per second of the window: the share of one core this side used. */
  cores: number;
}

/** One measurement of a point, kept when the point was measured more than once (`pushbench floor --repeat`). */
export interface FloorSample {
  sender: FloorCost;
  receiver: FloorCost;
}

export interface FloorPoint {
  /**
   * Sockets held in all: by one sender and one receiver process, or, for a count above what one process may hold,
   * spread over `senders` and `receivers` processes as a run of that many clients is planned.
   */
  connections: number;
  /** Sender processes, when more than one sender or receiver held the sockets (absent: one of each). */
  senders?: number;
  /** Receiver processes (absent: one). */
  receivers?: number;
  /** Frames written per socket. */
  ticks: number;
  /** Frames delivered: connections × ticks, counted in bytes at the receiver. */
  messages: number;
  /** Each side: the measurement itself, or, measured more than once, the median of each figure over `repeats`. */
  sender: FloorCost;
  receiver: FloorCost;
  /**
   * Every measurement of the point, in the order taken, when there was more than one. The repeats of all counts are
   * interleaved (every count once, then every count again), so a change in the machine's load reaches them alike.
   */
  repeats?: FloorSample[];
}

/** Whether a point was measured spread over several processes (else one sender and one receiver). */
export const isSpreadPoint = (p: FloorPoint): boolean => p.senders !== undefined || p.receivers !== undefined;

export interface FloorResults {
  tool: 'pushbench';
  kind: 'floor';
  schemaVersion: typeof FLOOR_SCHEMA_VERSION;
  startedAt: string;
  finishedAt: string;
  environment: Environment;
  /** The frame written per message: a WebSocket text frame of the default payload (RFC 6455, unmasked). */
  frameBytes: number;
  rate: number;
  durationS: number;
  /** Measurements of every point (`--repeat`), absent for one. */
  repeat?: number;
  points: FloorPoint[];
}
