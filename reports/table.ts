/**
 * The summary table `pushbench run` prints: one row per transport run. A pure function of a results file.
 * Mbps here is 10^6 bits per second (the 2010 article divided by 2^20; reports/kaazing.md says where that matters).
 */
import type { ResultsFile, TransportRun } from '../harness/types.js';

const fmt = (n: number, digits = 1): string =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '-';
const int = (n: number): string => n.toLocaleString('en-US');

export interface Column {
  title: string;
  /** Right-aligned when numeric. */
  numeric: boolean;
  cell(run: TransportRun): string;
}

export const COLUMNS: Column[] = [
  { title: 'transport', numeric: false, cell: (r) => r.transport + (r.repeat > 0 ? ` #${r.repeat + 1}` : '') },
  { title: 'clients', numeric: true, cell: (r) => int(r.clients) },
  { title: 'c2s B/msg', numeric: true, cell: (r) => (r.state === 'completed' ? fmt(r.wire.perMessage.c2sOverheadBytes) : '-') },
  { title: 's2c B/msg', numeric: true, cell: (r) => (r.state === 'completed' ? fmt(r.wire.perMessage.s2cOverheadBytes) : '-') },
  { title: 'setup B/conn', numeric: true, cell: (r) => (r.state === 'completed' ? int(Math.round(r.wire.perConnection.setupBytes)) : '-') },
  { title: 'c2s Mbps', numeric: true, cell: (r) => (r.state === 'completed' ? fmt(r.throughput.c2sBitsPerS / 1e6, 3) : '-') },
  { title: 's2c Mbps', numeric: true, cell: (r) => (r.state === 'completed' ? fmt(r.throughput.s2cBitsPerS / 1e6, 3) : '-') },
  { title: 'p50 ms', numeric: true, cell: (r) => (r.state === 'completed' ? fmt(r.latencyMs.p50) : '-') },
  { title: 'p99 ms', numeric: true, cell: (r) => (r.state === 'completed' ? fmt(r.latencyMs.p99) : '-') },
  {
    title: 'delivered/expected',
    numeric: true,
    cell: (r) => (r.state === 'completed' ? `${int(r.messages.delivered)}/${int(r.messages.expected)}` : '-'),
  },
  { title: 'lost', numeric: true, cell: (r) => (r.state === 'completed' ? int(r.messages.lost) : '-') },
  { title: 'srv CPU s', numeric: true, cell: (r) => (r.state === 'completed' ? fmt(r.server.cpuSeconds, 2) : '-') },
  { title: 'srv RSS MB', numeric: true, cell: (r) => (r.state === 'completed' ? fmt(r.server.maxRssBytes / 1e6) : '-') },
  {
    title: 'notes',
    numeric: false,
    cell: (r) => {
      if (r.state === 'errored') return `ERROR: ${r.error}`;
      const notes: string[] = [r.wire.matchesModel ? 'bytes = model' : 'BYTES != MODEL'];
      if (r.clientWorkers.saturated) notes.push(`CLIENT SATURATED (${r.clientWorkers.saturationReason})`);
      if (r.messages.duplicated) notes.push(`${int(r.messages.duplicated)} dup`);
      if (r.messages.reordered) notes.push(`${int(r.messages.reordered)} reordered`);
      const errs = Object.entries(r.connect.errors);
      if (errs.length) notes.push('errors ' + errs.map(([k, v]) => `${k}x${v}`).join(' '));
      return notes.join('; ');
    },
  },
];

/** A plain-text table, columns padded; the numbers come from the results file only. */
export function formatTable(results: ResultsFile): string {
  const rows = results.runs.map((r) => COLUMNS.map((c) => c.cell(r)));
  const widths = COLUMNS.map((c, i) => Math.max(c.title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string =>
    cells.map((cell, i) => (COLUMNS[i]!.numeric ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(COLUMNS.map((c) => c.title)), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** A Markdown version of the same table (for READMEs and pull-request comments). */
export function formatMarkdownTable(results: ResultsFile): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|').replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;'));
  const head = `| ${COLUMNS.map((c) => c.title).join(' | ')} |`;
  const sep = `|${COLUMNS.map((c) => (c.numeric ? '---:' : '---')).join('|')}|`;
  return [head, sep, ...results.runs.map((r) => `| ${COLUMNS.map((c) => esc(c.cell(r))).join(' | ')} |`)].join('\n');
}
