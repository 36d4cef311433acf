/**
 * The comparison policy: defaults, a `--policy FILE` merged over them, then flags merged over that.
 * Validation throws UsageError with one line naming the field and the fix, before any comparison starts.
 */
import { readJsonFile } from '../data-files.js';
import { UsageError } from '../errors.js';
import { ALL_METRICS, findMetric } from './metrics.js';
import type { MetricPolicy, PolicyFile, ResolvedMetricPolicy, ResolvedPolicy } from './types.js';

export const DEFAULT_ALPHA = 0.05;
export const DEFAULT_CONFIDENCE = 0.95;
export const DEFAULT_BOOTSTRAP_RESAMPLES = 2000;
export const DEFAULT_SEED = 1;

/** The defaults every policy starts from. */
export function defaultPolicy(): ResolvedPolicy {
  const metrics: Record<string, ResolvedMetricPolicy> = {};
  for (const m of ALL_METRICS) {
    metrics[m.id] = {
      enabled: true,
      thresholdPct: m.defaultThresholdPct,
      tolerance: m.defaultTolerance,
      only: m.defaultOnly ? [...m.defaultOnly] : null,
      skip: m.defaultSkip ? [...m.defaultSkip] : [],
    };
  }
  return {
    alpha: DEFAULT_ALPHA,
    confidence: DEFAULT_CONFIDENCE,
    bootstrapResamples: DEFAULT_BOOTSTRAP_RESAMPLES,
    seed: DEFAULT_SEED,
    exactOnly: false,
    metrics,
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkProbability(value: unknown, field: string, where: string): number {
  if (typeof value !== 'number' || !(value > 0 && value < 1)) {
    throw new UsageError(`${where}: "${field}" must be a number between 0 and 1 (exclusive), got ${JSON.stringify(value)}`);
  }
  return value;
}

function checkStringList(value: unknown, field: string, where: string): string[] {
  if (!Array.isArray(value) || !value.every((s) => typeof s === 'string')) {
    throw new UsageError(`${where}: "${field}" must be a list of transport or task names, got ${JSON.stringify(value)}`);
  }
  return value as string[];
}

function knownMetricIds(): string {
  return ALL_METRICS.map((m) => m.id).join(', ');
}

/** Merges one metric's settings into `target`, validating each field. */
function mergeMetric(target: ResolvedMetricPolicy, id: string, raw: unknown, where: string): void {
  const metric = findMetric(id);
  if (!metric) throw new UsageError(`${where}: unknown metric "${id}"; known metrics: ${knownMetricIds()}`);
  if (!isRecord(raw)) throw new UsageError(`${where}: metrics."${id}" must be an object like {"thresholdPct": 10}`);
  const allowed = new Set(['enabled', 'thresholdPct', 'tolerance', 'only', 'skip']);
  for (const key of Object.keys(raw)) {
    if (!allowed.has(key)) throw new UsageError(`${where}: metrics."${id}" has unknown field "${key}"; allowed: ${[...allowed].join(', ')}`);
  }
  const p = raw as MetricPolicy;
  if (p.enabled !== undefined) {
    if (typeof p.enabled !== 'boolean') throw new UsageError(`${where}: metrics."${id}".enabled must be true or false`);
    target.enabled = p.enabled;
  }
  if (p.thresholdPct !== undefined) {
    if (metric.kind !== 'statistical') {
      throw new UsageError(`${where}: "${id}" is an exact metric; give it "tolerance" (absolute), not "thresholdPct"`);
    }
    if (typeof p.thresholdPct !== 'number' || !(p.thresholdPct >= 0) || !Number.isFinite(p.thresholdPct)) {
      throw new UsageError(`${where}: metrics."${id}".thresholdPct must be a non-negative percentage, got ${JSON.stringify(p.thresholdPct)}`);
    }
    target.thresholdPct = p.thresholdPct;
  }
  if (p.tolerance !== undefined) {
    if (metric.kind !== 'exact') {
      throw new UsageError(`${where}: "${id}" is a statistical metric; give it "thresholdPct", not "tolerance"`);
    }
    if (typeof p.tolerance !== 'number' || !(p.tolerance >= 0) || !Number.isFinite(p.tolerance)) {
      throw new UsageError(`${where}: metrics."${id}".tolerance must be a non-negative number, got ${JSON.stringify(p.tolerance)}`);
    }
    target.tolerance = p.tolerance;
  }
  if (p.only !== undefined) target.only = checkStringList(p.only, `metrics."${id}".only`, where);
  if (p.skip !== undefined) target.skip = checkStringList(p.skip, `metrics."${id}".skip`, where);
}

/** Merges a parsed policy object over `base` (which it mutates and returns). `where` names the source in errors. */
export function mergePolicy(base: ResolvedPolicy, raw: unknown, where: string): ResolvedPolicy {
  if (!isRecord(raw)) throw new UsageError(`${where}: a policy must be a JSON object like {"metrics": {"latencyMs.p99": {"thresholdPct": 20}}}`);
  const allowed = new Set(['alpha', 'confidence', 'bootstrapResamples', 'seed', 'exactOnly', 'metrics', '$comment']);
  for (const key of Object.keys(raw)) {
    if (!allowed.has(key)) throw new UsageError(`${where}: unknown field "${key}"; allowed: ${[...allowed].join(', ')}`);
  }
  const p = raw as PolicyFile;
  if (p.alpha !== undefined) base.alpha = checkProbability(p.alpha, 'alpha', where);
  if (p.confidence !== undefined) base.confidence = checkProbability(p.confidence, 'confidence', where);
  if (p.bootstrapResamples !== undefined) {
    if (!Number.isInteger(p.bootstrapResamples) || p.bootstrapResamples < 100 || p.bootstrapResamples > 1_000_000) {
      throw new UsageError(`${where}: "bootstrapResamples" must be an integer from 100 to 1000000, got ${JSON.stringify(p.bootstrapResamples)}`);
    }
    base.bootstrapResamples = p.bootstrapResamples;
  }
  if (p.seed !== undefined) {
    if (!Number.isInteger(p.seed) || p.seed < 0 || p.seed > 0xffffffff) {
      throw new UsageError(`${where}: "seed" must be an integer from 0 to 4294967295, got ${JSON.stringify(p.seed)}`);
    }
    base.seed = p.seed;
  }
  if (p.exactOnly !== undefined) {
    if (typeof p.exactOnly !== 'boolean') throw new UsageError(`${where}: "exactOnly" must be true or false`);
    base.exactOnly = p.exactOnly;
  }
  if (p.metrics !== undefined) {
    if (!isRecord(p.metrics)) throw new UsageError(`${where}: "metrics" must be an object keyed by metric id`);
    for (const [id, settings] of Object.entries(p.metrics)) {
      const target = base.metrics[id];
      if (!target) throw new UsageError(`${where}: unknown metric "${id}"; known metrics: ${knownMetricIds()}`);
      mergeMetric(target, id, settings, where);
    }
  }
  return base;
}

/** Reads and validates a policy file. */
export function readPolicyFile(file: string, base: ResolvedPolicy = defaultPolicy()): ResolvedPolicy {
  const raw = readJsonFile(file, {
    unreadable: (err) => `cannot read policy file ${file} (${err.code ?? String(err)}); check the --policy path`,
    invalid: (err) => `policy file ${file} is not valid JSON (${err.message}); fix the syntax`,
  });
  return mergePolicy(base, raw, `policy file ${file}`);
}

/** Parses a `--threshold METRIC=PCT` flag value into the policy. */
export function applyThresholdFlag(policy: ResolvedPolicy, value: string): void {
  const match = /^([\w.]+)=([0-9]+(?:\.[0-9]+)?)$/.exec(value);
  if (!match) throw new UsageError(`--threshold needs METRIC=PERCENT, e.g. --threshold latencyMs.p99=20, got "${value}"`);
  mergePolicy(policy, { metrics: { [match[1]!]: { thresholdPct: Number(match[2]) } } }, '--threshold');
}

/** Parses a `--tolerance METRIC=N` flag value into the policy. */
export function applyToleranceFlag(policy: ResolvedPolicy, value: string): void {
  const match = /^([\w.]+)=([0-9]+(?:\.[0-9]+)?)$/.exec(value);
  if (!match) throw new UsageError(`--tolerance needs METRIC=N, e.g. --tolerance messages.lost=5, got "${value}"`);
  mergePolicy(policy, { metrics: { [match[1]!]: { tolerance: Number(match[2]) } } }, '--tolerance');
}

/** Parses a `--disable METRIC` flag value into the policy. */
export function applyDisableFlag(policy: ResolvedPolicy, id: string): void {
  mergePolicy(policy, { metrics: { [id]: { enabled: false } } }, '--disable');
}
