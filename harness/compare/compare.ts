/**
 * The comparison engine: two recorded files in, one verdict per metric and group out. Pure: no I/O, no clock,
 * the bootstrap seeded from the policy, so the same inputs always give the same verdicts.
 */
import { UsageError } from '../errors.js';
import { patternOf, type CompletedTransportRun, type ResultsFile, type TransportRun } from '../../results/types.js';
import { MICRO_METRIC, RESULTS_METRICS, type MetricDefinition } from './metrics.js';
import { bootstrapRelativeChange, mannWhitneyU, median, minAchievablePValue, repeatsNeeded } from './stats.js';
import {
  COMPARE_SCHEMA_VERSION,
  FAILING_VERDICTS,
  type ComparisonFile,
  type MetricComparison,
  type MicroResultsFile,
  type ResolvedMetricPolicy,
  type ResolvedPolicy,
  type SampleSummary,
  type SideInfo,
  type Verdict,
} from './types.js';

/** A results or micro-benchmark file, as `compare` accepts on either side. */
export type ComparableFile = ResultsFile | MicroResultsFile;

export function isMicroFile(file: ComparableFile): file is MicroResultsFile {
  return (file as MicroResultsFile).kind === 'micro';
}

/** One group's values per metric id, whatever the source. */
interface GroupSamples {
  group: string;
  /** Error of the first errored run, when any run of the group errored. */
  error: string | null;
  values: Map<string, number[]>;
}

function groupsOfResults(file: ResultsFile): GroupSamples[] {
  const byTransport = new Map<string, TransportRun[]>();
  for (const run of file.runs) {
    const list = byTransport.get(run.transport) ?? [];
    list.push(run);
    byTransport.set(run.transport, list);
  }
  const groups: GroupSamples[] = [];
  for (const [transport, runs] of byTransport) {
    const completed = runs.filter((r): r is CompletedTransportRun => r.state === 'completed');
    const errored = runs.find((r) => r.state === 'errored');
    const values = new Map<string, number[]>();
    for (const metric of RESULTS_METRICS) values.set(metric.id, completed.map((r) => metric.read(r)).filter((v): v is number => v !== null));
    groups.push({ group: transport, error: errored && errored.state === 'errored' ? errored.error : null, values });
  }
  return groups;
}

function groupsOfMicro(file: MicroResultsFile): GroupSamples[] {
  return file.tasks.map((t) => ({ group: t.name, error: null, values: new Map([[MICRO_METRIC.id, [...t.nsPerOpSamples]]]) }));
}

function groupsOf(file: ComparableFile): GroupSamples[] {
  return isMicroFile(file) ? groupsOfMicro(file) : groupsOfResults(file);
}

/** The settings a transport run must share with its counterpart for the comparison to mean anything. */
function runSettings(run: TransportRun): string {
  return JSON.stringify({
    clients: run.clients,
    rate: run.rate,
    payloadBytes: run.payloadBytes,
    durationS: run.durationS,
    profile: run.profile,
    transportOptions: run.transportOptions,
    pattern: patternOf(run),
  });
}

/**
 * Throws UsageError when the two files cannot be compared: different kinds, or a transport measured with different
 * settings (clients, rate, payload, duration, profile, transport options, publish pattern).
 */
export function assertComparable(baseline: ComparableFile, candidate: ComparableFile): void {
  if (isMicroFile(baseline) !== isMicroFile(candidate)) {
    throw new UsageError('cannot compare a micro-benchmark file with a run results file; give two files of the same kind');
  }
  if (isMicroFile(baseline) || isMicroFile(candidate)) return;
  // The Host header carries host:port, so the address is part of the bytes on the wire.
  const address = (f: ResultsFile) => `${f.options?.host}:${f.options?.port}`;
  if (address(baseline) !== address(candidate)) {
    throw new UsageError(
      `the servers listened on different addresses (baseline ${address(baseline)}, candidate ${address(candidate)}); the Host header bytes differ, so run both with the same --host and --port`,
    );
  }
  const first = new Map<string, TransportRun>();
  for (const run of baseline.runs) if (!first.has(run.transport)) first.set(run.transport, run);
  for (const run of candidate.runs) {
    const base = first.get(run.transport);
    if (!base) continue;
    if (patternOf(base) !== patternOf(run)) {
      throw new UsageError(
        `${run.transport} was published with different patterns (baseline ${patternOf(base)}, candidate ${patternOf(run)}): a broadcast's latency is the time to drain one burst, a staggered run's is not; run the candidate with --pattern ${patternOf(base)}`,
      );
    }
    const a = runSettings(base);
    const b = runSettings(run);
    if (a !== b) {
      throw new UsageError(
        `${run.transport} was measured with different settings (baseline ${a}, candidate ${b}); run the candidate with the baseline's scenario and flags`,
      );
    }
  }
}

function summarize(values: readonly number[]): SampleSummary | null {
  if (values.length === 0) return null;
  return { n: values.length, median: median(values), min: Math.min(...values), max: Math.max(...values), values: [...values] };
}

function applies(policy: ResolvedMetricPolicy, group: string): boolean {
  if (!policy.enabled) return false;
  if (policy.only && !policy.only.includes(group)) return false;
  return !policy.skip.includes(group);
}

function blank(group: string, metric: MetricDefinition, mp: ResolvedMetricPolicy): MetricComparison {
  return {
    group,
    metric: metric.id,
    label: metric.label,
    unit: metric.unit,
    kind: metric.kind,
    worse: metric.worse,
    verdict: 'unchanged',
    baseline: null,
    candidate: null,
    relativeChange: null,
    ci: null,
    pValue: null,
    thresholdPct: metric.kind === 'statistical' ? mp.thresholdPct : null,
    tolerance: metric.kind === 'exact' ? mp.tolerance : null,
    note: null,
  };
}

function judgeExact(c: MetricComparison, base: number[], cand: number[], tolerance: number): void {
  const lo = Math.min(...base) - tolerance;
  const hi = Math.max(...base) + tolerance;
  const bm = median(base);
  c.relativeChange = bm !== 0 ? median(cand) / bm - 1 : null;
  const varied = Math.min(...base) !== Math.max(...base);
  if (c.worse === 'any') {
    const outside = cand.filter((v) => v < lo || v > hi);
    if (outside.length > 0) {
      c.verdict = 'changed';
      c.note = `${outside.length} of ${cand.length} candidate values outside the baseline's ${fmtRange(lo, hi)}; if intended, update the baseline`;
    }
  } else {
    const worst = c.worse === 'higher' ? Math.max(...cand) : Math.min(...cand);
    const better = c.worse === 'higher' ? Math.max(...cand) < Math.min(...base) : Math.min(...cand) > Math.max(...base);
    if (c.worse === 'higher' ? worst > hi : worst < lo) {
      c.verdict = 'regression';
      c.note = `worst candidate value ${worst} beyond the baseline's ${fmtRange(lo, hi)}`;
    } else if (better) {
      c.verdict = 'improvement';
    }
  }
  if (c.verdict === 'unchanged' && varied) c.note = 'varies between baseline repeats; judged against their range';
}

function fmtRange(lo: number, hi: number): string {
  return lo === hi ? `value ${lo}` : `range ${lo}..${hi}`;
}

function judgeStatistical(c: MetricComparison, base: number[], cand: number[], policy: ResolvedPolicy, seed: number): void {
  const boot = bootstrapRelativeChange(base, cand, { resamples: policy.bootstrapResamples, confidence: policy.confidence, seed });
  if (boot) {
    c.relativeChange = boot.estimate;
    c.ci = { low: boot.low, high: boot.high };
  }
  if (minAchievablePValue(base.length, cand.length) > policy.alpha) {
    c.verdict = 'insufficient-samples';
    c.note = `${base.length} vs ${cand.length} samples can never reach α=${policy.alpha}; run both with --repeat ${repeatsNeeded(policy.alpha)} or more`;
    return;
  }
  const test = mannWhitneyU(cand, base);
  c.pValue = test.pValue;
  if (!boot) {
    c.note = 'baseline median is 0: relative change undefined, judged unchanged';
    return;
  }
  const threshold = (c.thresholdPct ?? 0) / 100;
  const significant = test.pValue < policy.alpha;
  const higherBeyond = boot.low > threshold;
  const lowerBeyond = boot.high < -threshold;
  const worseBeyond = c.worse === 'lower' ? lowerBeyond : higherBeyond;
  const betterBeyond = c.worse === 'lower' ? higherBeyond : lowerBeyond;
  if (significant && worseBeyond) c.verdict = 'regression';
  else if (significant && betterBeyond) c.verdict = 'improvement';
  else if (significant) c.note = `significant, but the interval reaches within ±${c.thresholdPct}%`;
}

/** A stable per-comparison seed, so adding a metric does not change the intervals of the others. */
function seedFor(base: number, group: string, metric: string): number {
  let h = base >>> 0;
  for (const ch of `${group}\u0000${metric}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

function sideInfo(file: ComparableFile, name: string, groups: GroupSamples[]): SideInfo {
  const counts = groups.map((g) => Math.max(0, ...[...g.values.values()].map((v) => v.length)));
  return {
    file: name,
    kind: isMicroFile(file) ? 'micro' : 'results',
    scenario: file.scenario,
    commit: file.environment?.commit ?? null,
    startedAt: file.startedAt,
    minRepeats: counts.length > 0 ? Math.min(...counts) : 0,
  };
}

/**
 * The file with only its first `repeats` repeats (runs with `repeat` < `repeats`; micro: the first rounds), so one
 * long recording can show how many repeats a machine needs for a stable verdict.
 */
export function firstRepeats<T extends ComparableFile>(file: T, repeats: number): T {
  if (isMicroFile(file)) {
    return { ...file, tasks: file.tasks.map((t) => ({ ...t, nsPerOpSamples: t.nsPerOpSamples.slice(0, repeats), opsPerRound: t.opsPerRound.slice(0, repeats) })) };
  }
  return { ...file, runs: (file as ResultsFile).runs.filter((r) => r.repeat < repeats) };
}

/**
 * Several recordings of one side as one file: runs (or micro rounds) concatenated, repeats renumbered per transport
 * in file order. This is how two versions measured alternately in one session (A B A B …, one `--repeat 1` run
 * each) are compared: the machine's drift then hits both sides alike. Throws UsageError unless all are comparable.
 */
export function mergeRecordings(files: ComparableFile[], names: string[]): ComparableFile {
  if (files.length === 0) throw new UsageError('no files to merge');
  const first = files[0]!;
  for (let i = 1; i < files.length; i++) {
    try {
      assertComparable(first, files[i]!);
      if (first.scenario !== files[i]!.scenario) throw new UsageError(`scenario "${first.scenario}" vs "${files[i]!.scenario}"`);
    } catch (err) {
      throw new UsageError(`cannot merge ${names[i]} with ${names[0]}: ${(err as Error).message}`);
    }
  }
  if (files.length === 1) return first;
  if (isMicroFile(first)) {
    const tasks = first.tasks.map((t) => ({ ...t, nsPerOpSamples: [...t.nsPerOpSamples], opsPerRound: [...t.opsPerRound] }));
    for (const f of files.slice(1) as MicroResultsFile[]) {
      for (const t of f.tasks) {
        const into = tasks.find((x) => x.name === t.name);
        if (into) {
          into.nsPerOpSamples.push(...t.nsPerOpSamples);
          into.opsPerRound.push(...t.opsPerRound);
        } else tasks.push({ ...t });
      }
    }
    return { ...first, rounds: files.reduce((n, f) => n + (f as MicroResultsFile).rounds, 0), tasks };
  }
  const next = new Map<string, number>();
  const runs: TransportRun[] = [];
  for (const f of files as ResultsFile[]) {
    for (const run of f.runs) {
      const repeat = next.get(run.transport) ?? 0;
      next.set(run.transport, repeat + 1);
      runs.push({ ...run, repeat });
    }
  }
  const last = files[files.length - 1]!;
  return { ...(first as ResultsFile), finishedAt: last.finishedAt, runs };
}

/** What makes timings of the two sides hard to compare, whatever the code did. */
export function warningsOf(baseline: ComparableFile, candidate: ComparableFile): string[] {
  const warnings: string[] = [];
  const b = baseline.environment;
  const c = candidate.environment;
  if (b && c) {
    if (b.cpuModel !== c.cpuModel || b.cpuCount !== c.cpuCount) {
      warnings.push(`different machines (baseline ${b.cpuCount} × ${b.cpuModel}, candidate ${c.cpuCount} × ${c.cpuModel}): timing verdicts may reflect the machine, not the code`);
    }
    if (b.node !== c.node) warnings.push(`different Node.js versions (baseline ${b.node}, candidate ${c.node})`);
  }
  if (!isMicroFile(baseline) && !isMicroFile(candidate)) {
    const bi = baseline.options?.injectServerCostUs ?? 0;
    const ci = candidate.options?.injectServerCostUs ?? 0;
    if (bi !== ci) warnings.push(`test-only injected server cost differs (baseline ${bi} µs, candidate ${ci} µs per message)`);
    for (const [side, file] of [['baseline', baseline], ['candidate', candidate]] as const) {
      const saturated = file.runs.filter((r) => r.state === 'completed' && r.clientWorkers?.saturated);
      if (saturated.length > 0) {
        const names = [...new Set(saturated.map((r) => r.transport))].join(', ');
        warnings.push(`${side}: the load generator was saturated in ${saturated.length} run(s) (${names}); its timings measure the client, not the server`);
      }
    }
  }
  return warnings;
}

/** Compares a candidate with a baseline under a policy. Throws UsageError when the files are not comparable. */
export function compareFiles(
  baseline: ComparableFile,
  candidate: ComparableFile,
  policy: ResolvedPolicy,
  names: { baseline: string; candidate: string } = { baseline: 'baseline', candidate: 'candidate' },
): ComparisonFile {
  assertComparable(baseline, candidate);
  const metrics = isMicroFile(baseline) ? [MICRO_METRIC] : RESULTS_METRICS;
  const baseGroups = groupsOf(baseline);
  const candGroups = groupsOf(candidate);
  const order = [...baseGroups.map((g) => g.group), ...candGroups.map((g) => g.group).filter((g) => !baseGroups.some((b) => b.group === g))];
  const comparisons: MetricComparison[] = [];

  for (const group of order) {
    const b = baseGroups.find((g) => g.group === group);
    const c = candGroups.find((g) => g.group === group);
    for (const metric of metrics) {
      const mp = policy.metrics[metric.id]!;
      if (!applies(mp, group)) continue;
      if (policy.exactOnly && metric.kind !== 'exact') continue;
      const row = blank(group, metric, mp);
      const base = b?.values.get(metric.id) ?? [];
      const cand = c?.values.get(metric.id) ?? [];
      // Completed runs on both sides and no figure on either (memory within its noise floor): nothing to judge.
      if (b && c && !b.error && !c.error && base.length === 0 && cand.length === 0) continue;
      row.baseline = summarize(base);
      row.candidate = summarize(cand);
      if (c?.error && !b?.error) {
        row.verdict = 'errored';
        row.note = `candidate run errored: ${c.error}`;
      } else if (base.length === 0 || cand.length === 0) {
        row.verdict = 'missing';
        row.note = !b || !c ? `${group} is only in the ${b ? 'baseline' : 'candidate'}` : `no completed run on the ${base.length === 0 ? 'baseline' : 'candidate'} side`;
      } else if (metric.kind === 'exact') {
        judgeExact(row, base, cand, mp.tolerance ?? 0);
      } else {
        judgeStatistical(row, base, cand, policy, seedFor(policy.seed, group, metric.id));
      }
      comparisons.push(row);
    }
  }

  const counts = Object.fromEntries(
    (['regression', 'changed', 'improvement', 'unchanged', 'insufficient-samples', 'errored', 'missing'] as Verdict[]).map((v) => [v, 0]),
  ) as Record<Verdict, number>;
  for (const row of comparisons) counts[row.verdict]++;
  const failing = comparisons.some((row) => FAILING_VERDICTS.includes(row.verdict));
  const repeatAdvice =
    counts['insufficient-samples'] > 0
      ? `${counts['insufficient-samples']} statistical verdicts withheld: a Mann-Whitney test needs at least ${repeatsNeeded(policy.alpha)} repeats on each side to reach α=${policy.alpha}; record both files with --repeat ${Math.max(5, repeatsNeeded(policy.alpha))}`
      : null;

  return {
    schemaVersion: COMPARE_SCHEMA_VERSION,
    tool: 'pushbench',
    kind: 'comparison',
    baseline: sideInfo(baseline, names.baseline, baseGroups),
    candidate: sideInfo(candidate, names.candidate, candGroups),
    policy,
    comparisons,
    summary: { counts, exitCode: failing ? 1 : 0, repeatAdvice, warnings: warningsOf(baseline, candidate) },
  };
}
