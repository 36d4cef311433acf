/**
 * Renders a comparison: a Markdown verdict for a pull-request comment and an aligned text table for a terminal.
 * Pure functions of a ComparisonFile; every figure printed comes from it.
 */
import type { ComparisonFile, MetricComparison, SampleSummary, Verdict } from './types.js';

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * Text from a file (a transport, task or scenario name, an error, a path) made inert for Markdown: on one line,
 * HTML special characters as entities, Markdown punctuation backslash-escaped. So a name cannot add markup, close
 * the `<details>` fold, break the table or start a new block in a pull-request comment.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(CONTROL, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_{}[\]|~#!]/g, '\\$&');
}

/** Text from a file for a Markdown code span: one line, no backtick to end the span early. */
function escapeCode(text: string): string {
  return text.replace(CONTROL, ' ').replace(/`/g, "'");
}

/** Text from a file for a terminal: control characters (ANSI and OSC escape sequences, bells, line breaks) become '?'. */
export function escapeTerminal(text: string): string {
  return text.replace(CONTROL, '?');
}

const VERDICT_MARK: Record<Verdict, string> = {
  regression: '❌ regression',
  changed: '❌ changed',
  errored: '❌ errored',
  improvement: '✅ improvement',
  unchanged: 'unchanged',
  'insufficient-samples': '❔ insufficient samples',
  missing: '➖ missing',
};

/** A value with its unit, to 4 significant digits; seconds below 10 ms are shown in µs, bytes above 10 kB in kB. */
export function formatValue(value: number, unit: string): string {
  if (!Number.isFinite(value)) return String(value);
  if (unit === 's' && Math.abs(value) < 0.01) return `${sig(value * 1e6)} µs`;
  if (unit === 'B' && Math.abs(value) >= 10_000) return `${sig(value / 1000)} kB`;
  return `${sig(value)} ${unit}`;
}

function sig(value: number): string {
  if (value === 0) return '0';
  if (Number.isInteger(value) && Math.abs(value) < 1e7) return String(value);
  return String(Number(value.toPrecision(4)));
}

function pct(x: number): string {
  const v = x * 100;
  const s = Math.abs(v) >= 10 ? v.toFixed(0) : v.toFixed(1);
  return `${v > 0 ? '+' : ''}${s}%`;
}

function side(s: SampleSummary | null, unit: string): string {
  if (!s) return '—';
  const spread = s.n > 1 && s.min !== s.max ? ` (${formatValue(s.min, unit)}..${formatValue(s.max, unit)})` : '';
  return `${formatValue(s.median, unit)}${spread} n=${s.n}`;
}

function change(row: MetricComparison): string {
  if (row.relativeChange === null) return '—';
  const ci = row.ci ? ` [${pct(row.ci.low)}, ${pct(row.ci.high)}]` : '';
  return `${pct(row.relativeChange)}${ci}`;
}

function limit(row: MetricComparison): string {
  if (row.kind === 'statistical') return row.thresholdPct === null ? '—' : `±${row.thresholdPct}%`;
  return row.tolerance ? `±${row.tolerance}` : 'exact';
}

function pValue(row: MetricComparison): string {
  if (row.pValue === null) return '—';
  return row.pValue < 0.001 ? '<0.001' : row.pValue.toFixed(3);
}

function cells(row: MetricComparison, esc: (s: string) => string): string[] {
  return [esc(row.group), row.label, side(row.baseline, row.unit), side(row.candidate, row.unit), change(row), pValue(row), limit(row), VERDICT_MARK[row.verdict]];
}

const HEADER = ['group', 'metric', 'baseline median', 'candidate median', 'change [CI]', 'p', 'limit', 'verdict'];

function headline(file: ComparisonFile): string {
  const c = file.summary.counts;
  const failing = c.regression + c.changed + c.errored;
  const parts = [
    failing > 0 ? `${failing} failing (${c.regression} regression, ${c.changed} changed, ${c.errored} errored)` : 'no regression',
    `${c.improvement} improvement`,
    `${c.unchanged} unchanged`,
  ];
  if (c['insufficient-samples'] > 0) parts.push(`${c['insufficient-samples']} insufficient samples`);
  if (c.missing > 0) parts.push(`${c.missing} missing`);
  return parts.join(', ');
}

function markdownTable(rows: MetricComparison[]): string[] {
  const lines = [`| ${HEADER.join(' | ')} |`, `|${HEADER.map(() => '---').join('|')}|`];
  for (const row of rows) lines.push(`| ${cells(row, escapeMarkdown).map((c) => c.replace(/(?<!\\)\|/g, '\\|')).join(' | ')} |`);
  return lines;
}

function describeSide(s: ComparisonFile['baseline']): string {
  return `\`${escapeCode(s.file)}\` (scenario ${escapeMarkdown(s.scenario)}, commit ${s.commit ? escapeMarkdown(s.commit.slice(0, 12)) : 'unknown'}, ${s.minRepeats} repeats)`;
}

/** The Markdown verdict for a pull-request comment: headline, the rows that matter, then everything folded. */
export function toMarkdown(file: ComparisonFile): string {
  const failed = file.summary.exitCode !== 0;
  const lines: string[] = [];
  lines.push(`### pushbench compare: ${failed ? '❌' : '✅'} ${headline(file)}`);
  lines.push('');
  lines.push(`Baseline ${describeSide(file.baseline)} vs candidate ${describeSide(file.candidate)}.`);
  const p = file.policy;
  lines.push(
    p.exactOnly
      ? 'Policy: exact metrics only (bytes on the wire and delivery faults must match the baseline).'
      : `Policy: a metric regresses when a two-sided Mann-Whitney test gives p < ${p.alpha} and the whole ${p.confidence * 100}% bootstrap interval of the median's relative change lies beyond its limit; exact metrics must stay within the baseline's values.`,
  );
  lines.push('');
  const notable = file.comparisons.filter((r) => r.verdict !== 'unchanged');
  if (notable.length > 0) {
    lines.push(...markdownTable(notable));
    lines.push('');
  }
  const notes = file.comparisons.filter((r) => r.note && r.verdict !== 'insufficient-samples');
  if (notes.length > 0) {
    lines.push('Notes:');
    for (const r of notes) lines.push(`- ${escapeMarkdown(r.group)} / ${r.label}: ${escapeMarkdown(r.note!)}`);
    lines.push('');
  }
  if (file.summary.repeatAdvice) {
    lines.push(`> ${escapeMarkdown(file.summary.repeatAdvice)}`);
    lines.push('');
  }
  for (const w of file.summary.warnings) lines.push(`> ⚠️ ${escapeMarkdown(w)}`, '');
  lines.push(`<details><summary>All ${file.comparisons.length} comparisons</summary>`);
  lines.push('');
  lines.push(...markdownTable(file.comparisons));
  lines.push('');
  lines.push('</details>');
  return lines.join('\n') + '\n';
}

/** An aligned plain-text table for stdout. */
export function toText(file: ComparisonFile): string {
  const rows = [HEADER, ...file.comparisons.map((r) => cells(r, escapeTerminal))];
  const widths = HEADER.map((_, i) => Math.max(...rows.map((r) => [...r[i]!].length)));
  const lines = rows.map((r) => r.map((cell, i) => cell + ' '.repeat(widths[i]! - [...cell].length)).join('  ').trimEnd());
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  const out = [`baseline:  ${escapeTerminal(file.baseline.file)}`, `candidate: ${escapeTerminal(file.candidate.file)}`, '', ...lines, ''];
  const notes = file.comparisons.filter((r) => r.note && r.verdict !== 'insufficient-samples');
  for (const r of notes) out.push(`note: ${escapeTerminal(r.group)} / ${r.label}: ${escapeTerminal(r.note!)}`);
  if (file.summary.repeatAdvice) out.push(`note: ${escapeTerminal(file.summary.repeatAdvice)}`);
  for (const w of file.summary.warnings) out.push(`warning: ${escapeTerminal(w)}`);
  out.push(`verdict: ${headline(file)}`);
  return out.join('\n') + '\n';
}
