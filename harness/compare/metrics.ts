/**
 * The metrics `compare` judges, how each is read from a results file, and its default policy.
 *
 * Exact metrics are deterministic for a given scenario: bytes a protocol puts on the wire and delivery faults.
 * Statistical metrics are timings and resource use, which vary run to run and need repeats.
 */
import type { CompletedTransportRun } from '../../results/types.js';
import { memoryPerConnection } from '../../results/memory.js';
import type { MetricKind, Worse } from './types.js';

export interface MetricDefinition {
  /** Groups the metric applies to by default (null: all); a policy's `only` overrides it. */
  defaultOnly?: readonly string[];
  /** Groups the metric skips by default; a policy's `skip` overrides it. */
  defaultSkip?: readonly string[];
  /** Stable id, used in policy files and flags: the path in the results file, or a derived name. */
  id: string;
  label: string;
  unit: string;
  kind: MetricKind;
  worse: Worse;
  /** Default relative threshold (statistical) in percent. */
  defaultThresholdPct: number | null;
  /** Default absolute tolerance (exact). */
  defaultTolerance: number | null;
  /** Null: the run has no figure for it (memory within the noise); such runs are left out of the comparison. */
  read: (run: CompletedTransportRun) => number | null;
}

function exact(id: string, label: string, unit: string, worse: Worse, read: MetricDefinition['read']): MetricDefinition {
  return { id, label, unit, kind: 'exact', worse, defaultThresholdPct: null, defaultTolerance: 0, read };
}

function statistical(
  id: string,
  label: string,
  unit: string,
  worse: Worse,
  thresholdPct: number,
  read: MetricDefinition['read'],
): MetricDefinition {
  return { id, label, unit, kind: 'statistical', worse, defaultThresholdPct: thresholdPct, defaultTolerance: null, read };
}

/**
 * Polling transports send a request per answer, and how many messages one answer carries depends on when the
 * message lands relative to the poll (measured: short polling's c2s overhead per message 62.3 vs 63.6 B in two
 * repeats of one run). Their per-message overhead is a timing result, so it is judged statistically, not exactly.
 */
const POLLING: readonly string[] = ['short-polling', 'long-polling'];

/**
 * Default thresholds: below the 20% the gate must never miss, above what this metric's noise produces with
 * `--repeat 5` on a shared 2-core machine (see docs/ci.md for the measured A/A spread).
 */
export const RESULTS_METRICS: readonly MetricDefinition[] = [
  exact('wire.setup.c2sBytes', 'setup bytes c2s', 'B', 'any', (r) => r.wire.setup.c2sBytes),
  exact('wire.setup.s2cBytes', 'setup bytes s2c', 'B', 'any', (r) => r.wire.setup.s2cBytes),
  {
    ...exact('wire.perMessage.c2sOverheadBytes', 'overhead c2s per message', 'B', 'any', (r) => r.wire.perMessage.c2sOverheadBytes),
    defaultSkip: POLLING,
  },
  {
    ...exact('wire.perMessage.s2cOverheadBytes', 'overhead s2c per message', 'B', 'any', (r) => r.wire.perMessage.s2cOverheadBytes),
    defaultSkip: POLLING,
  },
  exact('messages.lost', 'messages lost', 'msgs', 'higher', (r) => r.messages.lost),
  exact('messages.duplicated', 'messages duplicated', 'msgs', 'higher', (r) => r.messages.duplicated),
  exact('messages.reordered', 'messages reordered', 'msgs', 'higher', (r) => r.messages.reordered),
  {
    ...statistical('wire.perMessage.pollingOverheadBytes', 'overhead per message (both ways)', 'B', 'higher', 5, (r) =>
      r.wire.perMessage.c2sOverheadBytes + r.wire.perMessage.s2cOverheadBytes,
    ),
    defaultOnly: POLLING,
  },
  statistical('latencyMs.p50', 'latency p50', 'ms', 'higher', 10, (r) => r.latencyMs.p50),
  statistical('latencyMs.p99', 'latency p99', 'ms', 'higher', 15, (r) => r.latencyMs.p99),
  statistical('throughput.messagesPerS', 'throughput', 'msg/s', 'lower', 5, (r) => r.throughput.messagesPerS),
  statistical('server.cpuSecondsPerMessage', 'server CPU per message', 's', 'higher', 10, (r) => r.server.cpuSecondsPerMessage),
  // The report's definition (results/memory.ts): connected minus idle per connection, null within the noise; end-of-window
  // resident memory per connected client for runs that did not measure it.
  statistical('server.rssBytesPerClient', 'server memory per connection', 'B', 'higher', 10, (r) => memoryPerConnection(r)),
];

/** The one metric of a micro-benchmark task. */
export const MICRO_METRIC: MetricDefinition = {
  id: 'micro.nsPerOp',
  label: 'time per operation',
  unit: 'ns',
  kind: 'statistical',
  worse: 'higher',
  defaultThresholdPct: 10,
  defaultTolerance: null,
  read: () => {
    throw new Error('micro.nsPerOp is read from MicroTask samples, not from a transport run');
  },
};

export const ALL_METRICS: readonly MetricDefinition[] = [...RESULTS_METRICS, MICRO_METRIC];

export function findMetric(id: string): MetricDefinition | undefined {
  return ALL_METRICS.find((m) => m.id === id);
}
