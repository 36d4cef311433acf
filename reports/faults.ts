/**
 * The fault table: one row per fault and transport run, from the `faults` section of results files. A pure function
 * of results (`pushbench docs` renders it into Markdown pages); every figure is copied from a file, none computed
 * here beyond units.
 */
import type { FaultTransportStats, ResultsFile } from '../results/types.js';
import { faultLabel } from './charts.js';
import { formatNumber } from './format.js';

const cell = (n: number | null | undefined, unit = ''): string => (n === null || n === undefined ? '–' : `${formatNumber(n)}${unit}`);
const seconds = (ms: number | null | undefined): string =>
  ms === null || ms === undefined ? 'never' : ms < 1000 ? `${formatNumber(ms)} ms` : `${formatNumber(ms / 1000)} s`;
const mib = (b: number | null | undefined): string => (b === null || b === undefined ? '–' : `${formatNumber(b / 1048576)} MiB`);
const escape = (s: string): string => s.replace(/\|/g, '\\|').replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;'));

export const FAULT_TABLE_COLUMNS = [
  'fault',
  'resume',
  'transport',
  'clients',
  'affected',
  'lost',
  'duplicated',
  'reordered',
  'detected (p50 / last)',
  'detected by',
  'resubscribed (last)',
  'live again (last)',
  'nothing missing (last)',
  'recovery bytes (excess)',
  'server CPU peak',
  'server RSS peak',
];

function detectedBy(by: Record<string, number>): string {
  const parts = Object.entries(by).sort((a, b) => b[1] - a[1]);
  return parts.length ? parts.map(([k, v]) => `${k} ${formatNumber(v)}`).join(', ') : 'nothing';
}

function row(file: ResultsFile, t: FaultTransportStats): string[] {
  const f = file.faults!;
  return [
    faultLabel(f.spec) + (f.heartbeatMs > 0 ? `, heartbeats ${formatNumber(f.heartbeatMs)} ms` : ''),
    f.resume ? 'yes' : 'no',
    t.transport + (t.repeat > 0 ? ` #${t.repeat + 1}` : ''),
    cell(t.clients),
    cell(t.affected),
    cell(t.messages.lost),
    cell(t.messages.duplicated),
    cell(t.messages.reordered),
    t.detect.clients ? `${seconds(t.detect.p50Ms)} / ${seconds(t.detect.maxMs)} (${formatNumber(t.detect.clients)})` : 'not detected',
    detectedBy(t.detect.by),
    t.resubscribe.clients ? `${seconds(t.resubscribe.lastMs)} (${formatNumber(t.resubscribe.clients)})` : '–',
    t.liveFromSeq === null ? '–' : seconds(t.recoverMs),
    t.liveFromSeq === null ? '–' : seconds(t.completeMs),
    t.recoveryBytes ? `${formatNumber(t.recoveryBytes.totalBytes)} (${formatNumber(t.recoveryBytes.excessBytes)})` : '–',
    t.server.peakCpuShare === null ? '–' : `${formatNumber(t.server.peakCpuShare * 100)}%`,
    mib(t.server.peakRssBytes),
  ];
}

function markdownTable(columns: string[], rows: string[][]): string {
  return [`| ${columns.join(' | ')} |`, `|${columns.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(escape).join(' | ')} |`)].join('\n');
}

/**
 * Markdown tables of every fault run in `files` (files without a `faults` section are skipped), in the order given:
 * the fault table, then, when any file has slow consumers, their own table. Times count from the fault's start.
 */
export function renderFaultTables(files: readonly ResultsFile[]): string {
  const withFaults = files.filter((f) => f.faults && f.faults.transports.length > 0);
  if (withFaults.length === 0) return '';
  const rows = withFaults.flatMap((file) => file.faults!.transports.map((t) => row(file, t)));
  const out = [markdownTable(FAULT_TABLE_COLUMNS, rows)];
  const slow = withFaults.flatMap((file) => file.faults!.transports.filter((t) => t.slow).map((t) => ({ file, t })));
  if (slow.length) {
    const columns = ['transport', 'clients', 'slow clients', 'read B/s', 'server RSS growth / slow client', 'server write buffers / slow client', 'healthy p99 before', 'healthy p99 after', 'slow p99 after', 'lost'];
    const slowRows = slow.map(({ t }) => [
      t.transport + (t.repeat > 0 ? ` #${t.repeat + 1}` : ''),
      cell(t.clients),
      cell(t.slow!.clients),
      cell(t.slow!.readBytesPerS),
      cell(t.slow!.serverRssBytesPerSlowClient, ' B'),
      cell(t.slow!.serverBufferedBytesPerSlowClient, ' B'),
      cell(t.slow!.healthyBeforeMs.p99, ' ms'),
      cell(t.slow!.healthyAfterMs.p99, ' ms'),
      cell(t.slow!.slowAfterMs.p99, ' ms'),
      cell(t.messages.lost),
    ]);
    out.push(markdownTable(columns, slowRows));
  }
  return out.join('\n\n') + '\n';
}

/** "6.5 s (sse) to 9.96 s (short-polling)": the range of a figure over transport runs, each end named. */
function range(entries: FaultTransportStats[], value: (t: FaultTransportStats) => number | null): string {
  const known = entries.map((t) => ({ t, v: value(t) })).filter((x): x is { t: FaultTransportStats; v: number } => x.v !== null);
  if (known.length === 0) return 'never';
  const lo = known.reduce((a, b) => (b.v < a.v ? b : a));
  const hi = known.reduce((a, b) => (b.v > a.v ? b : a));
  const show = (x: { t: FaultTransportStats; v: number }): string => `${seconds(x.v)} (${x.t.transport})`;
  return lo === hi ? show(lo) : `${show(lo)} to ${show(hi)}`;
}

/**
 * One Markdown bullet per results file with a fault: what was lost and duplicated, and within what time the last
 * client was live and complete again — the bound each fault recovered within, from the file.
 */
export function renderFaultSummary(files: readonly ResultsFile[]): string {
  const lines = files
    .filter((f) => f.faults && f.faults.transports.length > 0)
    .map((file) => {
      const f = file.faults!;
      const ts = f.transports;
      const lost = ts.every((t) => t.messages.lost === 0)
        ? 'nothing lost'
        : `lost ${ts.map((t) => `${formatNumber(t.messages.lost)} (${t.transport})`).join(', ')} of ${formatNumber(ts[0]!.messages.expected)} each`;
      const dup = ts.reduce((a, t) => a + t.messages.duplicated, 0);
      const head = `**${faultLabel(f.spec)}**${f.heartbeatMs > 0 ? `, heartbeats every ${formatNumber(f.heartbeatMs)} ms` : ''}, ${f.resume ? 'resume on' : 'resume off'}, ${formatNumber(ts[0]!.clients)} clients`;
      const detected = ts.some((t) => t.detect.clients > 0) ? `; noticed (last client) after ${range(ts.filter((t) => t.detect.clients > 0), (t) => t.detect.maxMs)}` : '';
      const silent = ts.filter((t) => t.detect.clients === 0 && t.liveFromSeq !== null).map((t) => t.transport);
      const complete = ts.every((t) => t.liveFromSeq === null)
        ? ''
        : ts.every((t) => t.completeMs === null)
          ? '; what was missed never arrived'
          : `; the last client missed nothing again after ${range(ts, (t) => t.completeMs)}` + (ts.some((t) => t.completeMs === null) ? ' ("never": it lost messages)' : '');
      return `- ${head}: ${lost}, ${formatNumber(dup)} duplicated${detected}${silent.length ? ` (${silent.join(', ')}: not noticed)` : ''}${complete}.`;
    });
  return lines.length ? lines.join('\n') + '\n' : '';
}
