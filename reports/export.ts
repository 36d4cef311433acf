/**
 * Results in the formats other tools read: CSV (RFC 4180) for spreadsheets, OpenMetrics text (the format Prometheus
 * scrapes) and github-action-benchmark's `customSmallerIsBetter` JSON. Pure functions of a results file; the live
 * dashboard's /metrics endpoint uses the same OpenMetrics writer.
 */
import type { CompletedTransportRun, LiveSample, ResultsFile, TransportRun } from '../results/types.js';

export const EXPORT_FORMATS = ['csv', 'openmetrics', 'benchmark-action'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The Content-Type of OpenMetrics text exposition 1.0.0. */
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

// ---------------------------------------------------------------- CSV

/** One column: its header and how to read it from a run (undefined for an errored run's measured fields). */
const CSV_COLUMNS: Array<[string, (r: TransportRun, f: ResultsFile) => string | number | boolean | undefined]> = [
  ['scenario', (_r, f) => f.scenario],
  ['startedAt', (_r, f) => f.startedAt],
  ['transport', (r) => r.transport],
  ['repeat', (r) => r.repeat],
  ['state', (r) => r.state],
  ['clients', (r) => r.clients],
  ['rate', (r) => r.rate],
  ['payloadBytes', (r) => r.payloadBytes],
  ['durationS', (r) => r.durationS],
  ['profile', (r) => r.profile],
  ['connected', (r) => done(r)?.connect.connected],
  ['expected', (r) => done(r)?.messages.expected],
  ['delivered', (r) => done(r)?.messages.delivered],
  ['lost', (r) => done(r)?.messages.lost],
  ['duplicated', (r) => done(r)?.messages.duplicated],
  ['reordered', (r) => done(r)?.messages.reordered],
  ['latencyP50Ms', (r) => done(r)?.latencyMs.p50],
  ['latencyP90Ms', (r) => done(r)?.latencyMs.p90],
  ['latencyP99Ms', (r) => done(r)?.latencyMs.p99],
  ['latencyP999Ms', (r) => done(r)?.latencyMs.p999],
  ['latencyMaxMs', (r) => done(r)?.latencyMs.max],
  ['latencyMeanMs', (r) => done(r)?.latencyMs.mean],
  ['c2sBytes', (r) => done(r)?.wire.c2sBytes],
  ['s2cBytes', (r) => done(r)?.wire.s2cBytes],
  ['setupC2sBytes', (r) => done(r)?.wire.setup.c2sBytes],
  ['setupS2cBytes', (r) => done(r)?.wire.setup.s2cBytes],
  ['c2sOverheadBytesPerMessage', (r) => done(r)?.wire.perMessage.c2sOverheadBytes],
  ['s2cOverheadBytesPerMessage', (r) => done(r)?.wire.perMessage.s2cOverheadBytes],
  ['setupBytesPerConnection', (r) => done(r)?.wire.perConnection.setupBytes],
  ['matchesModel', (r) => done(r)?.wire.matchesModel],
  ['messagesPerS', (r) => done(r)?.throughput.messagesPerS],
  ['serverCpuSeconds', (r) => done(r)?.server.cpuSeconds],
  ['serverMaxRssBytes', (r) => done(r)?.server.maxRssBytes],
  ['clientCpuSeconds', (r) => done(r)?.clientWorkers.cpuSeconds],
  ['clientSaturated', (r) => done(r)?.clientWorkers.saturated],
  ['error', (r) => (r.state === 'errored' ? r.error : undefined)],
];

export const CSV_HEADER = CSV_COLUMNS.map(([h]) => h);

function done(r: TransportRun): CompletedTransportRun | undefined {
  return r.state === 'completed' ? r : undefined;
}

/**
 * One RFC 4180 field: quoted when it holds a comma, a quote, CR or LF (quotes doubled). A text that a spreadsheet
 * would run as a formula (=, +, -, @ first) is prefixed with a quote mark, as OWASP advises for CSV export.
 */
export function csvField(v: string | number | boolean | undefined): string {
  if (v === undefined) return '';
  let s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per transport run (repeats included), CRLF line ends as RFC 4180 says. */
export function toCsv(f: ResultsFile): string {
  const rows = [CSV_HEADER.join(',')];
  for (const r of f.runs) rows.push(CSV_COLUMNS.map(([, get]) => csvField(get(r, f))).join(','));
  return rows.join('\r\n') + '\r\n';
}

// ---------------------------------------------------------------- OpenMetrics

export interface MetricSample {
  /** Appended to the family name: '' for gauges and info's '_info', '_count'/'_sum' for summaries. */
  suffix?: string;
  labels: Record<string, string | number>;
  value: number;
}

export interface MetricFamily {
  name: string;
  type: 'gauge' | 'summary' | 'info' | 'counter' | 'unknown';
  /** When set, `name` must end in `_${unit}` (OpenMetrics 1.0). */
  unit?: string;
  help: string;
  samples: MetricSample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  // 15 significant digits: what the measurement holds, without binary noise such as 0.9937910000000001.
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(15)));
}

/** Renders metric families as OpenMetrics text, ending in `# EOF`. Throws on a name the format forbids. */
export function renderOpenMetrics(families: MetricFamily[]): string {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const fam of families) {
    if (!METRIC_NAME.test(fam.name)) throw new Error(`invalid metric name ${fam.name}`);
    if (seen.has(fam.name)) throw new Error(`metric family ${fam.name} given twice`);
    if (fam.unit && !fam.name.endsWith(`_${fam.unit}`)) throw new Error(`metric ${fam.name} must end in its unit _${fam.unit}`);
    seen.add(fam.name);
    if (fam.samples.length === 0) continue;
    out.push(`# TYPE ${fam.name} ${fam.type}`);
    if (fam.unit) out.push(`# UNIT ${fam.name} ${fam.unit}`);
    out.push(`# HELP ${fam.name} ${escapeHelp(fam.help)}`);
    for (const s of fam.samples) {
      const labels = Object.entries(s.labels).map(([k, v]) => {
        if (!LABEL_NAME.test(k)) throw new Error(`invalid label name ${k}`);
        return `${k}="${escapeLabel(String(v))}"`;
      });
      out.push(`${fam.name}${s.suffix ?? ''}${labels.length ? `{${labels.join(',')}}` : ''} ${formatValue(s.value)}`);
    }
  }
  out.push('# EOF');
  return out.join('\n') + '\n';
}

/** The results file's figures as metric families, one sample set per transport run. */
export function resultsMetricFamilies(f: ResultsFile): MetricFamily[] {
  const runs = f.runs;
  const base = (r: TransportRun): Record<string, string | number> => ({ scenario: f.scenario, transport: r.transport, repeat: r.repeat });
  const completed = runs.filter((r): r is CompletedTransportRun => r.state === 'completed');
  const gauge = (name: string, help: string, unit: string | undefined, pick: (r: CompletedTransportRun) => Array<[Record<string, string>, number]>): MetricFamily => ({
    name,
    type: 'gauge',
    ...(unit ? { unit } : {}),
    help,
    samples: completed.flatMap((r) => pick(r).map(([extra, value]) => ({ labels: { ...base(r), ...extra }, value }))),
  });
  return [
    {
      name: 'pushbench_run',
      type: 'info',
      help: 'One transport run: its state and settings.',
      samples: runs.map((r) => ({ suffix: '_info', labels: { ...base(r), state: r.state, profile: r.profile, clients: r.clients, payload_bytes: r.payloadBytes }, value: 1 })),
    },
    {
      name: 'pushbench_latency_seconds',
      type: 'summary',
      unit: 'seconds',
      help: 'Delivery latency from publication, over every delivered message after the warm-up.',
      samples: completed.flatMap((r) => [
        ...(
          [
            ['0.5', r.latencyMs.p50],
            ['0.9', r.latencyMs.p90],
            ['0.99', r.latencyMs.p99],
            ['0.999', r.latencyMs.p999],
          ] as const
        ).map(([q, v]) => ({ labels: { ...base(r), quantile: q }, value: v / 1000 })),
        { suffix: '_sum', labels: base(r), value: (r.latencyMs.mean * r.latencyMs.count) / 1000 },
        { suffix: '_count', labels: base(r), value: r.latencyMs.count },
      ]),
    },
    gauge('pushbench_latency_max_seconds', 'Largest delivery latency.', 'seconds', (r) => [[{}, r.latencyMs.max / 1000]]),
    gauge('pushbench_messages', 'Message counts by outcome: clients x published expected, distinct delivered, lost, duplicated, reordered.', undefined, (r) =>
      (['expected', 'delivered', 'lost', 'duplicated', 'reordered'] as const).map((k) => [{ outcome: k }, r.messages[k]]),
    ),
    gauge('pushbench_connected_clients', 'Clients that completed setup.', undefined, (r) => [[{}, r.connect.connected]]),
    gauge('pushbench_wire_bytes', 'HTTP/WebSocket-level bytes at the server sockets by direction; phase setup is the subscribing exchange, total is everything.', 'bytes', (r) => [
      [{ direction: 'c2s', phase: 'total' }, r.wire.c2sBytes],
      [{ direction: 's2c', phase: 'total' }, r.wire.s2cBytes],
      [{ direction: 'c2s', phase: 'setup' }, r.wire.setup.c2sBytes],
      [{ direction: 's2c', phase: 'setup' }, r.wire.setup.s2cBytes],
    ]),
    gauge('pushbench_overhead_per_message_bytes', 'Steady-state bytes per delivered message beyond the payload, by direction.', 'bytes', (r) => [
      [{ direction: 'c2s' }, r.wire.perMessage.c2sOverheadBytes],
      [{ direction: 's2c' }, r.wire.perMessage.s2cOverheadBytes],
    ]),
    gauge('pushbench_setup_per_connection_bytes', 'Setup bytes per connection, both directions.', 'bytes', (r) => [[{}, r.wire.perConnection.setupBytes]]),
    gauge('pushbench_delivered_messages_per_second', 'Delivered messages per second of window.', undefined, (r) => [[{}, r.throughput.messagesPerS]]),
    gauge('pushbench_process_cpu_seconds', 'User plus system CPU during the window, all processes of the role.', 'seconds', (r) => [
      [{ role: 'server' }, r.server.cpuSeconds],
      [{ role: 'client' }, r.clientWorkers.cpuSeconds],
    ]),
    gauge('pushbench_process_max_rss_bytes', 'Largest resident set of any one process of the role.', 'bytes', (r) => [
      [{ role: 'server' }, r.server.maxRssBytes],
      [{ role: 'client' }, r.clientWorkers.maxRssBytes],
    ]),
  ];
}

export function toOpenMetrics(f: ResultsFile): string {
  return renderOpenMetrics(resultsMetricFamilies(f));
}

/** The newest sample of each transport as OpenMetrics text: what the dashboard's /metrics serves during a run. */
export function liveOpenMetrics(latest: LiveSample[]): string {
  const fam = (name: string, help: string, unit: string | undefined, pick: (s: LiveSample) => number | null): MetricFamily => ({
    name,
    type: 'gauge',
    ...(unit ? { unit } : {}),
    help,
    samples: latest.flatMap((s) => {
      const v = pick(s);
      return v === null ? [] : [{ labels: { transport: s.transport }, value: v }];
    }),
  });
  return renderOpenMetrics([
    {
      name: 'pushbench_live_phase',
      type: 'info',
      help: 'The phase each transport is in.',
      samples: latest.map((s) => ({ suffix: '_info', labels: { transport: s.transport, phase: s.phase }, value: 1 })),
    },
    fam('pushbench_live_clients', 'Clients of the run.', undefined, (s) => s.clients),
    fam('pushbench_live_connected_clients', 'Clients subscribed now.', undefined, (s) => s.connected),
    fam('pushbench_live_published_messages', 'Messages published so far.', undefined, (s) => s.published),
    fam('pushbench_live_received_messages_per_second', 'Messages received by all clients per second, last interval.', undefined, (s) => s.messagesPerS),
    fam('pushbench_live_received_bytes_per_second', 'Bytes received by all clients per second, last interval.', undefined, (s) => s.bytesPerS),
    fam('pushbench_live_latency_p50_seconds', 'Median latency of every message since publishing began.', 'seconds', (s) => (s.latencyMs ? s.latencyMs.p50 / 1000 : null)),
    fam('pushbench_live_latency_p99_seconds', '99th percentile latency of every message since publishing began.', 'seconds', (s) => (s.latencyMs ? s.latencyMs.p99 / 1000 : null)),
    {
      name: 'pushbench_live_process_rss_bytes',
      type: 'gauge',
      unit: 'bytes',
      help: 'Resident set of each server and client process.',
      samples: latest.flatMap((s) => s.processes.map((p) => ({ labels: { transport: s.transport, role: p.role, pid: p.pid }, value: p.rssBytes }))),
    },
    {
      name: 'pushbench_live_process_cpu_ratio',
      type: 'gauge',
      unit: 'ratio',
      help: 'CPU of each server and client process over the last interval, 1 = one core.',
      samples: latest.flatMap((s) => s.processes.map((p) => ({ labels: { transport: s.transport, role: p.role, pid: p.pid }, value: p.cpuPercent / 100 }))),
    },
  ]);
}

// ---------------------------------------------------------------- github-action-benchmark

/** One entry of github-action-benchmark's `customSmallerIsBetter` (and `customBiggerIsBetter`) input. */
export interface BenchmarkActionEntry {
  name: string;
  unit: string;
  value: number;
  extra?: string;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Figures where smaller is better, one entry per transport and metric (the median over repeats, so names are
 * unique as the action needs): latency percentiles, bytes per message and per connection, server CPU per message,
 * messages lost.
 */
export function toBenchmarkAction(f: ResultsFile): BenchmarkActionEntry[] {
  const metrics: Array<[string, string, (r: CompletedTransportRun) => number]> = [
    ['latency p50', 'ms', (r) => r.latencyMs.p50],
    ['latency p99', 'ms', (r) => r.latencyMs.p99],
    ['c2s overhead per message', 'bytes', (r) => r.wire.perMessage.c2sOverheadBytes],
    ['s2c overhead per message', 'bytes', (r) => r.wire.perMessage.s2cOverheadBytes],
    ['setup per connection', 'bytes', (r) => r.wire.perConnection.setupBytes],
    ['server CPU per message', 'us', (r) => r.server.cpuSecondsPerMessage * 1e6],
    ['messages lost', 'messages', (r) => r.messages.lost],
  ];
  const out: BenchmarkActionEntry[] = [];
  const transports = [...new Set(f.runs.map((r) => r.transport))];
  for (const t of transports) {
    const runs = f.runs.filter((r): r is CompletedTransportRun => r.transport === t && r.state === 'completed');
    if (runs.length === 0) continue;
    const first = runs[0]!;
    for (const [label, unit, pick] of metrics) {
      const values = runs.map(pick).filter(Number.isFinite);
      if (values.length === 0) continue;
      out.push({
        name: `${f.scenario} ${t} ${label}`,
        unit,
        value: Number(median(values).toPrecision(6)),
        extra: `${runs.length === 1 ? '1 run' : `median of ${runs.length} repeats`}; ${first.clients} clients, ${first.rate} msg/s, ${first.payloadBytes} B, profile ${first.profile}; ${f.environment.cpuModel}`,
      });
    }
  }
  return out;
}

export function exportResults(f: ResultsFile, format: ExportFormat): string {
  switch (format) {
    case 'csv':
      return toCsv(f);
    case 'openmetrics':
      return toOpenMetrics(f);
    case 'benchmark-action':
      return JSON.stringify(toBenchmarkAction(f), null, 2) + '\n';
  }
}
