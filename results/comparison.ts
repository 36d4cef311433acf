/**
 * The comparison file (`pushbench compare --json`): one verdict per metric and group, the policy that produced them.
 */

/** Version of the comparison file layout. */
export const COMPARISON_SCHEMA_VERSION = 1;

/** How a metric is judged. */
export type MetricKind = 'exact' | 'statistical';

/** Which way is worse: `any` means any change fails (bytes on the wire are a contract, not a score). */
export type Worse = 'higher' | 'lower' | 'any';

/**
 * - regression: significant and the whole confidence interval lies beyond the threshold in the worse direction
 * - changed: an exact metric left the baseline's values (for `any` metrics, in either direction)
 * - improvement: the mirror of regression
 * - unchanged: no difference the policy counts
 * - insufficient-samples: too few repeats for the test to ever reach alpha; neither pass nor fail
 * - errored: the candidate's transport run errored where the baseline's completed
 * - missing: present on one side only
 */
export type Verdict = 'regression' | 'changed' | 'improvement' | 'unchanged' | 'insufficient-samples' | 'errored' | 'missing';

/** Verdicts that make `compare` exit 1. */
export const FAILING_VERDICTS: readonly Verdict[] = ['regression', 'changed', 'errored'];

export interface SampleSummary {
  /** Number of values (repeats or rounds). */
  n: number;
  median: number;
  min: number;
  max: number;
  values: number[];
}

/** The judgement of one metric of one group (a transport, or a micro-benchmark task). */
export interface MetricComparison {
  group: string;
  metric: string;
  label: string;
  unit: string;
  kind: MetricKind;
  worse: Worse;
  verdict: Verdict;
  baseline: SampleSummary | null;
  candidate: SampleSummary | null;
  /** median(candidate) / median(baseline) - 1; null when undefined (baseline median 0, or a side missing). */
  relativeChange: number | null;
  /** Bootstrap confidence interval of `relativeChange`. */
  ci: { low: number; high: number } | null;
  /** Two-sided Mann-Whitney p-value. */
  pValue: number | null;
  /** Relative threshold (statistical) or absolute tolerance (exact) that applied. */
  thresholdPct: number | null;
  tolerance: number | null;
  /** Why the verdict is what it is, in a sentence, when the numbers alone do not say. */
  note: string | null;
}

export interface SideInfo {
  file: string;
  kind: 'results' | 'micro';
  scenario: string;
  commit: string | null;
  startedAt: string;
  /** Fewest repeats (or rounds) of any group on this side. */
  minRepeats: number;
}

/** What `compare --json` writes. */
export interface ComparisonFile {
  kind: 'comparison';
  schemaVersion: typeof COMPARISON_SCHEMA_VERSION;
  tool: 'pushbench';
  baseline: SideInfo;
  candidate: SideInfo;
  policy: ResolvedPolicy;
  comparisons: MetricComparison[];
  summary: {
    counts: Record<Verdict, number>;
    /** 0 no failing verdict, 1 at least one (see FAILING_VERDICTS). */
    exitCode: 0 | 1;
    /** When statistical verdicts were withheld: the `--repeat` that would allow them. */
    repeatAdvice: string | null;
    /** Things that make the statistical verdicts less trustworthy: another machine, a saturated load generator. */
    warnings: string[];
  };
}

/** Per-metric settings in a policy file. */
export interface MetricPolicy {
  /** False skips the metric. */
  enabled?: boolean;
  /** Statistical metrics: relative change, in percent, the whole confidence interval must exceed to fail. */
  thresholdPct?: number;
  /** Exact metrics: absolute slack around the baseline's values. */
  tolerance?: number;
  /** Limit the metric to these groups (transport or task names). */
  only?: string[];
  /** Skip the metric for these groups. */
  skip?: string[];
}

/** A `--policy FILE`: every field optional, merged over the defaults. */
export interface PolicyFile {
  alpha?: number;
  confidence?: number;
  bootstrapResamples?: number;
  seed?: number;
  /** Judge only the exact metrics (the deterministic gate .ci/run uses). */
  exactOnly?: boolean;
  metrics?: Record<string, MetricPolicy>;
}

export interface ResolvedMetricPolicy {
  enabled: boolean;
  thresholdPct: number | null;
  tolerance: number | null;
  only: string[] | null;
  skip: string[];
}

export interface ResolvedPolicy {
  /** Significance level of the two-sided Mann-Whitney test. */
  alpha: number;
  /** Confidence level of the bootstrap interval. */
  confidence: number;
  bootstrapResamples: number;
  seed: number;
  exactOnly: boolean;
  metrics: Record<string, ResolvedMetricPolicy>;
}
