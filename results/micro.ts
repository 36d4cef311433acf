/**
 * The micro-benchmark file (`npm run bench:micro`): one sample per round per task, a file `pushbench compare`
 * judges like a results file. Validated by results/read.ts.
 */
import type { Environment } from './types.js';

/** Version of the micro-benchmark file layout. */
export const MICRO_SCHEMA_VERSION = 1;

/** One micro-benchmark task: its samples are independent rounds, each the mean cost of one operation in that round. */
export interface MicroTask {
  /** Unique within the file, e.g. `framing/sseEventBytes` or `server-write/websocket`. */
  name: string;
  /** What the task measures, in a sentence. */
  description: string;
  /** One value per round: mean nanoseconds per operation in that round. */
  nsPerOpSamples: number[];
  /** Operations timed in each round, parallel to `nsPerOpSamples`. */
  opsPerRound: number[];
}

/**
 * What `npm run bench:micro` records. Rounds interleave the tasks (t1 t2 … t1 t2 …) so that a slow patch of the
 * machine hits every task alike, as `pushbench run --repeat` does for transports.
 */
export interface MicroResultsFile {
  kind: 'micro';
  schemaVersion: typeof MICRO_SCHEMA_VERSION;
  tool: 'pushbench';
  /** Always `micro`, so a baseline directory can hold it next to scenario baselines. */
  scenario: 'micro';
  startedAt: string;
  finishedAt: string;
  environment: Environment;
  rounds: number;
  /** Time budget of one task in one round. */
  roundTimeMs: number;
  tasks: MicroTask[];
}
