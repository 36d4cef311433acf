/**
 * The floor file (`pushbench floor`): CPU per message of a bare loopback sender and receiver at several connection
 * counts, the least any transport can cost on this machine. Validated by results/read.ts.
 */
import type { Environment } from './types.js';

/** Version of the floor file layout. */
export const FLOOR_SCHEMA_VERSION = 1;

/** One side's cost per delivered message (NaN, written as null, when nothing was delivered). */
export interface FloorCost {
  userUsPerMessage: number;
  systemUsPerMessage: number;
  cpuUsPerMessage: number;
  /** CPU seconds per second of the side's window. */
  cores: number;
}

/** One measured connection count. */
export interface FloorPoint {
  connections: number;
  ticks: number;
  /** Messages delivered: connections x ticks when nothing was lost. */
  messages: number;
  sender: FloorCost;
  receiver: FloorCost;
}

export interface FloorResults {
  tool: 'pushbench';
  kind: 'floor';
  schemaVersion: typeof FLOOR_SCHEMA_VERSION;
  startedAt: string;
  finishedAt: string;
  environment: Environment;
  /** Bytes of the one WebSocket frame sent per message. */
  frameBytes: number;
  rate: number;
  durationS: number;
  points: FloorPoint[];
}
