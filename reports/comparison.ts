/**
 * A comparison (what `pushbench compare --json` writes) as a page: the verdict, baseline against candidate per
 * metric with the statistics that decided it, and every repeat of both sides drawn, one chart per metric.
 * A pure function of a ComparisonFile; the types come from harness/compare/types.ts with `import type` only.
 */
import type { ComparisonFile, MetricComparison, SampleSummary, Verdict } from '../results/comparison.js';
import type { ChartSpec } from './charts.js';
import { escapeHtml as h, formatNumber, slug } from './format.js';
import { figureHtml, layout, section, tableHtml, type PageLink } from './pages.js';

/** Is a parsed JSON value a comparison file? */
export function isComparisonFile(raw: unknown): raw is ComparisonFile {
  const r = raw as Partial<ComparisonFile> | null;
  return typeof r === 'object' && r !== null && r.tool === 'pushbench' && r.kind === 'comparison' && Array.isArray(r.comparisons) && typeof r.summary === 'object';
}

const VERDICT_TEXT: Record<Verdict, string> = {
  regression: 'regression',
  changed: 'changed',
  errored: 'errored',
  improvement: 'improvement',
  unchanged: 'unchanged',
  'insufficient-samples': 'insufficient samples',
  missing: 'missing',
};
const ORDER: readonly Verdict[] = ['regression', 'changed', 'errored', 'improvement', 'insufficient-samples', 'missing', 'unchanged'];

function pct(x: number): string {
  const v = x * 100;
  return `${v > 0 ? '+' : ''}${Math.abs(v) >= 10 ? v.toFixed(0) : v.toFixed(1)}%`;
}

function sideText(s: SampleSummary | null, unit: string): string {
  if (!s) return '–';
  const spread = s.n > 1 && s.min !== s.max ? ` (${formatNumber(s.min)}–${formatNumber(s.max)})` : '';
  return `${formatNumber(s.median)}${spread} ${unit}, n=${s.n}`;
}

function limitText(r: MetricComparison): string {
  if (r.kind === 'statistical') return r.thresholdPct === null ? '–' : `±${r.thresholdPct}%`;
  return r.tolerance ? `±${r.tolerance}` : 'exact';
}

/** The headline: counts of each verdict, failing ones first. */
export function comparisonHeadline(file: ComparisonFile): string {
  const c = file.summary.counts;
  const failing = c.regression + c.changed + c.errored;
  const parts = [failing > 0 ? `${failing} failing (${c.regression} regression, ${c.changed} changed, ${c.errored} errored)` : 'no regression', `${c.improvement} improvement`, `${c.unchanged} unchanged`];
  if (c['insufficient-samples'] > 0) parts.push(`${c['insufficient-samples']} insufficient samples`);
  if (c.missing > 0) parts.push(`${c.missing} missing`);
  return parts.join(', ');
}

/** Rows of the full table, failing verdicts first (then in the comparison's own order). */
export function comparisonRows(file: ComparisonFile): string[][] {
  const rows = [...file.comparisons].sort((a, b) => ORDER.indexOf(a.verdict) - ORDER.indexOf(b.verdict));
  return rows.map((r) => [
    r.group,
    r.label,
    VERDICT_TEXT[r.verdict],
    sideText(r.baseline, r.unit),
    sideText(r.candidate, r.unit),
    r.relativeChange === null ? '–' : pct(r.relativeChange),
    r.ci ? `${pct(r.ci.low)} to ${pct(r.ci.high)}` : '–',
    r.pValue === null ? '–' : r.pValue < 0.001 ? '<0.001' : r.pValue.toFixed(3),
    limitText(r),
    r.kind,
  ]);
}

/**
 * One chart per metric: every repeat of the baseline and of the candidate, per group (transport or task), as points
 * on the metric's unit; the table gives the values and the verdict.
 */
export function comparisonCharts(file: ComparisonFile): ChartSpec[] {
  const metrics = new Map<string, MetricComparison[]>();
  // Metrics with a failing verdict first, then improvements, then the rest, each in the comparison's order.
  const rank = (rows: MetricComparison[]) => Math.min(...rows.map((r) => ORDER.indexOf(r.verdict)));
  for (const r of file.comparisons) metrics.set(r.metric, [...(metrics.get(r.metric) ?? []), r]);
  const specs: ChartSpec[] = [];
  for (const [metric, rows] of [...metrics].sort((a, b) => rank(a[1]) - rank(b[1]))) {
    const withValues = rows.filter((r) => (r.baseline?.values.length ?? 0) + (r.candidate?.values.length ?? 0) > 0);
    if (withValues.length === 0) continue;
    // Baseline and candidate of a group side by side on the axis, so their repeats never hide each other.
    const groups = withValues.flatMap((r) => [`${r.group} baseline`, `${r.group} candidate`]);
    const first = withValues[0]!;
    const points = (pick: (r: MetricComparison) => SampleSummary | null, side: string) => withValues.flatMap((r) => (pick(r)?.values ?? []).map((y) => ({ x: `${r.group} ${side}`, y })));
    const allValues = withValues.flatMap((r) => [...(r.baseline?.values ?? []), ...(r.candidate?.values ?? [])]);
    const log = allValues.every((v) => v > 0) && Math.max(...allValues) / Math.min(...allValues) > 100;
    specs.push({
      id: `metric-${slug(metric)}`,
      title: first.label,
      caption:
        `Every repeat of ${first.label} (${first.unit}) per ${file.baseline.kind === 'micro' ? 'task' : 'transport'}: baseline (grey circles) beside candidate (blue triangles)` +
        `${log ? ', logarithmic axis' : ''}. ${first.kind === 'exact' ? 'An exact metric: any value outside the baseline’s (plus the tolerance) is a change.' : `Judged on the medians with a Mann-Whitney test and a bootstrap interval (limit ${limitText(first)}).`}`,
      config: {
        type: 'scatter',
        data: {
          labels: groups,
          datasets: [
            { label: 'baseline', data: points((r) => r.baseline, 'baseline'), backgroundColor: '#999999', borderColor: '#666666', pointRadius: 5, pointStyle: 'circle' },
            { label: 'candidate', data: points((r) => r.candidate, 'candidate'), backgroundColor: '#0072B2', borderColor: '#0072B2', pointRadius: 6, pointStyle: 'triangle' },
          ],
        },
        options: {
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          scales: { x: { type: 'category', labels: groups, offset: true }, y: log ? { type: 'logarithmic', title: { display: true, text: first.unit } } : { title: { display: true, text: first.unit } } },
        },
      },
      table: {
        columns: ['group', 'verdict', 'baseline values', 'candidate values', 'change', 'p'],
        rows: withValues.map((r) => [
          r.group,
          VERDICT_TEXT[r.verdict],
          (r.baseline?.values ?? []).map(formatNumber).join(' '),
          (r.candidate?.values ?? []).map(formatNumber).join(' '),
          r.relativeChange === null ? '–' : pct(r.relativeChange),
          r.pValue === null ? '–' : r.pValue < 0.001 ? '<0.001' : r.pValue.toFixed(3),
        ]),
      },
    });
  }
  return specs;
}

/** The comparison page. `page` is its file name (for the CSV links). */
export function comparisonPageHtml(file: ComparisonFile, charts: ChartSpec[], nav: PageLink[], page: string): string {
  const failed = file.summary.exitCode !== 0;
  const p = file.policy;
  const sides = tableHtml(
    {
      columns: ['side', 'file', 'scenario', 'commit', 'started', 'repeats'],
      rows: (['baseline', 'candidate'] as const).map((k) => {
        const s = file[k];
        return [k, s.file, s.scenario, s.commit ? s.commit.slice(0, 12) : 'unknown', s.startedAt, formatNumber(s.minRepeats)];
      }),
    },
    'What was compared',
  );
  const policy = p.exactOnly
    ? 'Exact metrics only: bytes on the wire and delivery faults must equal the baseline’s.'
    : `A statistical metric regresses when a two-sided Mann-Whitney test gives p < ${p.alpha} and the whole ${formatNumber(p.confidence * 100)}% bootstrap interval ` +
      `(${formatNumber(p.bootstrapResamples)} resamples, seed ${p.seed}) of the relative change of the median lies beyond its limit in the worse direction; ` +
      'exact metrics must stay within the baseline’s values plus their tolerance.';
  const notes = [
    ...(file.summary.repeatAdvice ? [file.summary.repeatAdvice] : []),
    ...file.summary.warnings.map((w) => `Warning: ${w}`),
    ...file.comparisons.filter((r) => r.note && r.verdict !== 'insufficient-samples').map((r) => `${r.group} · ${r.label}: ${r.note}`),
  ];
  const table = tableHtml({ columns: [file.baseline.kind === 'micro' ? 'task' : 'transport', 'metric', 'verdict', 'baseline median (range)', 'candidate median (range)', 'change', 'interval', 'p', 'limit', 'kind'], rows: comparisonRows(file) }, 'Every metric, failing verdicts first');
  const verdictClass = failed ? 'verdict fail' : 'verdict ok';
  const body = [
    `<p class="${verdictClass}" role="status"><strong>${failed ? 'Fails' : 'Passes'}:</strong> ${h(comparisonHeadline(file))}.</p>`,
    section('Baseline and candidate', `<div class="table-wrap">${sides}</div>\n<p>${h(policy)}</p>` + (notes.length ? `\n<ul>${notes.map((n) => `<li>${h(n)}</li>`).join('\n')}</ul>` : ''), 'sides'),
    section('Verdict per metric', `<div class="table-wrap">${table}</div>`, 'metrics'),
    section('Distribution of repeats', charts.map((c) => figureHtml(c, page)).join('\n') || '<p>No values to draw.</p>', 'repeats'),
  ];
  return layout(`pushbench compare: ${file.candidate.scenario}`, nav, body.join('\n'), charts);
}

/** A page name for a comparison within a site. */
export function comparisonPageName(file: ComparisonFile): string {
  return `compare-${slug(file.candidate.scenario)}-${slug(file.candidate.startedAt)}.html`;
}
