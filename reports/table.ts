/**
 * The summary table `pushbench run` prints: one row per transport run. A pure function of a results file.
 * Mbps here is 10^6 bits per second (the 2010 article divided by 2^20; reports/kaazing.md says where that matters).
 */
import type { CapacityResults, CompletedTransportRun, ResultsFile, TransportRun } from '../results/types.js';
import { clientBytesPerConnection, serverBytesPerConnection } from '../results/memory.js';

const fmt = (n: number, digits = 1): string =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '-';
const int = (n: number): string => n.toLocaleString('en-US');

/** A hypervisor taking at least this share of the machine's CPU during the window is worth a note. */
const STEAL_NOTE_SHARE = 0.01;

export interface Column {
  title: string;
  /** Right-aligned when numeric. */
  numeric: boolean;
  cell(run: TransportRun): string;
}

/** What carried the transport: `h1` (HTTP/1.1 in clear text, and files from before TLS existed) or `h1+tls`. */
export function wireProtocol(r: TransportRun): string {
  return r.transportOptions.tls ? 'h1+tls' : 'h1';
}

const PROTOCOL_COLUMN: Column = { title: 'protocol', numeric: false, cell: wireProtocol };

export const COLUMNS: Column[] = [
  {
    title: 'transport',
    numeric: false,
    // The server, when it is not pushbench's own: `websocket @nchan`.
    cell: (r) => r.transport + (r.state === 'completed' && r.server.kind && r.server.kind !== 'embedded' ? ` @${r.server.kind}` : '') + (r.repeat > 0 ? ` #${r.repeat + 1}` : ''),
  },
  PROTOCOL_COLUMN,
  { title: 'clients', numeric: true, cell: (r) => int(r.clients) },
  { title: 'c2s B/msg', numeric: true, cell: (r) => (r.state === 'completed' ? fmt(r.wire.perMessage.c2sOverheadBytes) : '-') },
  { title: 's2c B/msg', numeric: true, cell: (r) => (r.state === 'completed' ? fmt(r.wire.perMessage.s2cOverheadBytes) : '-') },
  { title: 'setup B/conn', numeric: true, cell: (r) => (r.state === 'completed' ? int(Math.round(r.wire.perConnection.setupBytes)) : '-') },
  { title: 'c2s Mbps', numeric: true, cell: (r) => (r.state === 'completed' ? fmt(r.throughput.c2sBitsPerS / 1e6, 3) : '-') },
  { title: 's2c Mbps', numeric: true, cell: (r) => (r.state === 'completed' ? fmt(r.throughput.s2cBitsPerS / 1e6, 3) : '-') },
  { title: 'p50 ms', numeric: true, cell: (r) => (r.state === 'completed' ? fmt(r.latencyMs.p50) : '-') },
  // An overloaded run's p99 only says how long the window was: starred, and the notes say why.
  { title: 'p99 ms', numeric: true, cell: (r) => (r.state === 'completed' ? fmt(r.latencyMs.p99) + (r.steady?.state === 'overloaded' ? '*' : '') : '-') },
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
      // Each client's messages due at its own phase: p99 is not the time to drain one burst, so say which it is.
      if (r.pattern === 'staggered') notes.push('staggered');
      if (r.steady?.state === 'overloaded') notes.push(`OVERLOADED* (${r.steady.reason})`);
      if (r.machine?.saturated) notes.push(`MACHINE SATURATED (${r.machine.saturationReason})`);
      const t = r.wire.tls;
      if (t) {
        const handshake = r.connect.connected > 0 ? (t.handshake.c2sBytes + t.handshake.s2cBytes) / r.connect.connected : 0;
        notes.push(`TLS +${fmt(t.perMessage.c2sBytes)}/+${fmt(t.perMessage.s2cBytes)} B/msg, handshake ${int(Math.round(handshake))} B/conn`);
      }
      if (r.clientWorkers.saturated) notes.push(`CLIENT SATURATED (${r.clientWorkers.saturationReason})`);
      if (r.messages.duplicated) notes.push(`${int(r.messages.duplicated)} dup`);
      if (r.messages.reordered) notes.push(`${int(r.messages.reordered)} reordered`);
      if (r.machine && r.machine.stealShare >= STEAL_NOTE_SHARE) notes.push(`host took ${Math.round(r.machine.stealShare * 100)}% of the CPU`);
      const errs = Object.entries(r.connect.errors);
      if (errs.length) notes.push('errors ' + errs.map(([k, v]) => `${k}x${v}`).join(' '));
      return notes.join('; ');
    },
  },
];

/** Only for a completed run: '-' otherwise, and '-' when `value` has nothing to say (no memory measured). */
const done =
  (value: (r: CompletedTransportRun) => string | undefined): Column['cell'] =>
  (r) =>
    r.state === 'completed' ? (value(r) ?? '-') : '-';
const nullable = (n: number | null): string | undefined => (n === null ? undefined : int(n));
const perMessageUs = (cpuSeconds: number, r: CompletedTransportRun): string =>
  r.messages.delivered > 0 ? fmt((cpuSeconds / r.messages.delivered) * 1e6) : '-';
const cores = (cpuSeconds: number, r: CompletedTransportRun): string => (r.windowS > 0 ? fmt(cpuSeconds / r.windowS, 2) : '-');

/**
 * What holding the clients cost, printed under the summary: how long connecting took, the latency tail, and CPU and
 * memory per message and per connection on each side (docs/scale.md says how each is measured).
 */
export const COST_COLUMNS: Column[] = [
  COLUMNS[0]!,
  PROTOCOL_COLUMN,
  COLUMNS[2]!,
  { title: 'srv procs', numeric: true, cell: done((r) => int(r.server.processes)) },
  { title: 'workers', numeric: true, cell: done((r) => int(r.clientWorkers.processes)) },
  {
    title: 'connect s',
    numeric: true,
    cell: done((r) => fmt(r.connect.durationMs / 1000) + (r.connect.connected < r.clients ? ` (${int(r.connect.connected)} connected)` : '')),
  },
  { title: 'p99.9 ms', numeric: true, cell: done((r) => fmt(r.latencyMs.p999)) },
  { title: 'max ms', numeric: true, cell: done((r) => fmt(r.latencyMs.max)) },
  { title: 'pub late p99 ms', numeric: true, cell: done((r) => (r.server.publishLateMs ? fmt(r.server.publishLateMs.p99Ms) : undefined)) },
  { title: 'srv CPU us/msg', numeric: true, cell: done((r) => (r.messages.delivered > 0 ? fmt(r.server.cpuSecondsPerMessage * 1e6) : '-')) },
  { title: 'cli CPU us/msg', numeric: true, cell: done((r) => perMessageUs(r.clientWorkers.cpuSeconds, r)) },
  { title: 'TLS srv us/msg', numeric: true, cell: done((r) => (r.tlsCost ? fmt(r.tlsCost.serverCpuUsPerMessage) : undefined)) },
  { title: 'TLS cli us/msg', numeric: true, cell: done((r) => (r.tlsCost ? fmt(r.tlsCost.clientCpuUsPerMessage) : undefined)) },
  { title: 'srv xfloor', numeric: true, cell: done((r) => (r.cpuFloor?.serverRatio != null ? fmt(r.cpuFloor.serverRatio, 2) : undefined)) },
  { title: 'cli xfloor', numeric: true, cell: done((r) => (r.cpuFloor?.clientRatio != null ? fmt(r.cpuFloor.clientRatio, 2) : undefined)) },
  { title: 'srv cores', numeric: true, cell: done((r) => cores(r.server.cpuSeconds, r)) },
  { title: 'cli cores', numeric: true, cell: done((r) => cores(r.clientWorkers.cpuSeconds, r)) },
  // '-' within the noise (results/memory.ts): the results file says why.
  { title: 'srv B/conn', numeric: true, cell: done((r) => nullable(serverBytesPerConnection(r))) },
  { title: 'cli B/conn', numeric: true, cell: done((r) => nullable(clientBytesPerConnection(r))) },
];

/** A plain-text table, columns padded; the numbers come from the results file only. */
export function formatTable(results: ResultsFile, columns: Column[] = COLUMNS): string {
  const rows = results.runs.map((r) => columns.map((c) => c.cell(r)));
  const widths = columns.map((c, i) => Math.max(c.title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string =>
    cells.map((cell, i) => (columns[i]!.numeric ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(columns.map((c) => c.title)), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** A Markdown version of the same table (for READMEs and pull-request comments). */
export function formatMarkdownTable(results: ResultsFile, columns: Column[] = COLUMNS): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|').replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;'));
  const head = `| ${columns.map((c) => c.title).join(' | ')} |`;
  const sep = `|${columns.map((c) => (c.numeric ? '---:' : '---')).join('|')}|`;
  return [head, sep, ...results.runs.map((r) => `| ${columns.map((c) => esc(c.cell(r))).join(' | ')} |`)].join('\n');
}

export const CAPACITY_COLUMNS = ['transport', 'max clients', 'first failed', 'p99 ms at max', 'probes', 'limited by'];

/** The columns of a search over the per-client rate (`by` rate). */
export const RATE_CAPACITY_COLUMNS = ['transport', 'clients', 'max msg/s', 'first failed msg/s', 'p99 ms at max', 'probes', 'limited by'];

/** A per-client rate as probed: up to 3 significant digits, no trailing zeros (0.0316, 1.41, 100). */
export function formatRate(rate: number): string {
  return rate.toLocaleString('en-US', { maximumSignificantDigits: 3 });
}

/** The columns of the capacity table for this search. */
export function capacityColumns(c: CapacityResults): string[] {
  return c.by === 'rate' ? RATE_CAPACITY_COLUMNS : CAPACITY_COLUMNS;
}

/** The rows of the capacity table (`pushbench capacity` prints them, the report tabulates them). */
export function capacityRows(c: CapacityResults): string[][] {
  return c.transports.map((t) => {
    if (c.by === 'rate') {
      const max = t.maxRate ?? 0;
      const last = t.steps.find((s) => s.rate === max && s.ok);
      return [
        t.transport,
        int(c.maxClients),
        formatRate(max),
        t.firstFailedRate === null || t.firstFailedRate === undefined ? '-' : formatRate(t.firstFailedRate),
        last ? last.p99Ms.toFixed(1) : '-',
        String(t.steps.length),
        t.limitedBy,
      ];
    }
    // The passing probe at the maximum: with --retries a failed probe at the same count may come before it.
    const last = t.steps.find((s) => s.clients === t.maxClients && s.ok);
    return [
      t.transport,
      int(t.maxClients),
      t.firstFailedClients === null ? '-' : int(t.firstFailedClients),
      last ? last.p99Ms.toFixed(1) : '-',
      String(t.steps.length),
      t.limitedBy,
    ];
  });
}
