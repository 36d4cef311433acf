/**
 * Chart configurations as pure functions of results: each builder returns a Chart.js configuration (plain JSON,
 * no callbacks, so it can be embedded in the page) together with the table that shows the same numbers as text.
 * Every number comes from a results file; nothing here is a constant about any transport.
 */
import type { CompletedTransportRun, LatencyOverTime, ResultsFile, TransportName, TransportRun } from '../results/types.js';
import { formatNumber } from './format.js';
import { receivedBodyBytes } from '../results/types.js';
import { memoryPerConnection } from '../results/memory.js';
import { capacityColumns, capacityRows } from './table.js';
import { LATENCY_PERCENTILES, latencyDistribution, mergeOverTime } from './latency.js';

/** A Chart.js dataset, JSON only. */
export interface ChartDataset {
  label: string;
  data: Array<number | null | { x: number | string; y: number }>;
  [option: string]: unknown;
}

/** A Chart.js configuration, JSON only (the page script adds tick formatting and colours from CSS). */
export interface ChartConfig {
  type: 'bar' | 'line' | 'scatter';
  data: { labels?: string[]; datasets: ChartDataset[] };
  options: Record<string, unknown>;
}

/** The same numbers as the chart, as the text of a table (readable without JavaScript and by screen readers). */
export interface DataTable {
  columns: string[];
  rows: string[][];
}

/** One figure on a page. */
export interface ChartSpec {
  /** Unique on its page; used for element ids. */
  id: string;
  title: string;
  /** What is plotted, with units. */
  caption: string;
  config: ChartConfig;
  table: DataTable;
}

/** Okabe–Ito colours: distinguishable with the common colour-vision deficiencies, readable on light and dark. */
const TRANSPORT_COLOURS: Record<TransportName, string> = {
  'short-polling': '#E69F00',
  'long-polling': '#56B4E9',
  sse: '#009E73',
  'http-streaming': '#CC79A7',
  websocket: '#0072B2',
};
const FALLBACK_COLOURS = ['#D55E00', '#F0E442', '#999999', '#000000'];

/** A stable colour for a transport name (unknown names from newer harnesses get a fallback). */
export function transportColour(name: string): string {
  const known = (TRANSPORT_COLOURS as Record<string, string>)[name];
  if (known) return known;
  let h = 0;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return FALLBACK_COLOURS[h % FALLBACK_COLOURS.length]!;
}

export function completedRuns(results: ResultsFile): CompletedTransportRun[] {
  return results.runs.filter((r): r is CompletedTransportRun => r.state === 'completed');
}

/** How a run is named in charts: the transport, plus the repeat when the transport was measured more than once. */
export function runLabel(run: TransportRun, all: readonly TransportRun[]): string {
  const repeats = all.filter((r) => r.transport === run.transport).length;
  return repeats > 1 ? `${run.transport} #${run.repeat + 1}` : run.transport;
}

/** Runs grouped by transport, in first-seen order. */
export function byTransport<T extends TransportRun>(runs: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const run of runs) {
    const list = groups.get(run.transport) ?? [];
    list.push(run);
    groups.set(run.transport, list);
  }
  return groups;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Measured payload bytes per delivered message (server to client). */
export function payloadBytesPerMessage(run: CompletedTransportRun): number {
  return run.messages.delivered > 0 ? receivedBodyBytes(run.wire) / run.messages.delivered : 0;
}

/** Header and framing bytes per delivered message, both directions added. */
export function overheadBytesPerMessage(run: CompletedTransportRun): number {
  return run.wire.perMessage.c2sOverheadBytes + run.wire.perMessage.s2cOverheadBytes;
}

/**
 * Server memory per connection: the measured one (connected − idle resident memory after a full GC, what the run
 * command prints) when the run has it; otherwise resident memory at the end of the window per connected client,
 * the process's baseline included.
 */
export function memoryBytesPerConnection(run: CompletedTransportRun): number | null {
  return memoryPerConnection(run);
}

/** Overhead bits per second a run actually moved: per-message overhead × delivered messages / window. */
export function measuredOverheadBitsPerS(run: CompletedTransportRun): number {
  return run.windowS > 0 ? (overheadBytesPerMessage(run) * run.messages.delivered * 8) / run.windowS : 0;
}

function baseOptions(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { animation: false, responsive: true, maintainAspectRatio: false, ...extra };
}

function axisTitle(text: string): Record<string, unknown> {
  return { display: true, text };
}

/** Bytes per delivered message by transport: payload versus header/framing, each direction. */
export function overheadChart(results: ResultsFile): ChartSpec {
  const runs = completedRuns(results);
  const labels = runs.map((r) => runLabel(r, results.runs));
  const payload = runs.map(payloadBytesPerMessage);
  const s2c = runs.map((r) => r.wire.perMessage.s2cOverheadBytes);
  const c2s = runs.map((r) => r.wire.perMessage.c2sOverheadBytes);
  return {
    id: 'overhead',
    title: 'Bytes on the wire per message',
    caption:
      'Bytes per delivered message in steady state, counted at the server’s sockets (HTTP/WebSocket level, no TCP/IP headers). ' +
      'Server→client is split into message payload and header/framing; client→server is all header/framing (requests, masks, polls).',
    config: {
      type: 'bar',
      data: {
        labels,
        datasets: [
          { label: 'server→client payload (B)', data: payload, backgroundColor: '#999999', stack: 's2c' },
          { label: 'server→client header/framing (B)', data: s2c, backgroundColor: '#D55E00', stack: 's2c' },
          { label: 'client→server header/framing (B)', data: c2s, backgroundColor: '#0072B2', stack: 'c2s' },
        ],
      },
      options: baseOptions({
        indexAxis: 'y',
        scales: { x: { stacked: true, beginAtZero: true, title: axisTitle('bytes per message') }, y: { stacked: true } },
      }),
    },
    table: {
      columns: ['transport', 's→c payload B/msg', 's→c header/framing B/msg', 'c→s header/framing B/msg', 'overhead B/msg', 'setup B/connection', 'matches spec model'],
      rows: runs.map((r, i) => [
        labels[i]!,
        formatNumber(payload[i]!),
        formatNumber(s2c[i]!),
        formatNumber(c2s[i]!),
        formatNumber(overheadBytesPerMessage(r)),
        formatNumber(r.wire.perConnection.setupBytes),
        r.wire.matchesModel ? 'yes' : 'no',
      ]),
    },
  };
}

/** Client counts the derived lines are drawn at: every decade from 1 up to beyond the largest measured count. */
export function clientDecades(maxClients: number): number[] {
  const top = Math.max(5, Math.ceil(Math.log10(Math.max(1, maxClients))) + 1);
  return Array.from({ length: top + 1 }, (_, i) => 10 ** i);
}

/**
 * Header/framing bits per second against client count, log–log: websocket.org's comparison redrawn from
 * measurement. Lines are derived from this run's measured bytes per message × clients × rate; points are what
 * runs of the transport (this one and any others given, at other client counts) actually moved.
 */
export function bitsPerSecondChart(results: ResultsFile, others: readonly ResultsFile[] = []): ChartSpec {
  const runs = completedRuns(results);
  const groups = byTransport(runs);
  const allRuns = [results, ...others.filter((o) => o !== results)].flatMap(completedRuns);
  const maxClients = Math.max(1, ...allRuns.map((r) => r.clients));
  const decades = clientDecades(maxClients);
  const datasets: ChartDataset[] = [];
  const derivedBy = new Map<string, Map<number, number>>();
  const measuredBy = new Map<string, Map<number, number>>();
  for (const [transport, list] of groups) {
    const perMessageBytes = mean(list.map(overheadBytesPerMessage));
    const rate = list[0]!.rate;
    const colour = transportColour(transport);
    const derived = decades.map((n) => ({ x: n, y: perMessageBytes * 8 * n * rate })).filter((p) => p.y > 0);
    datasets.push({ label: `${transport} (derived)`, data: derived, showLine: true, borderColor: colour, backgroundColor: colour, borderDash: [6, 4], pointRadius: 2 });
    derivedBy.set(transport, new Map(derived.map((p) => [p.x, p.y])));
    const measured = allRuns
      .filter((r) => r.transport === transport && r.payloadBytes === list[0]!.payloadBytes && r.profile === list[0]!.profile)
      .map((r) => ({ x: r.clients, y: measuredOverheadBitsPerS(r) }))
      .filter((p) => p.x > 0 && p.y > 0)
      .sort((a, b) => a.x - b.x || a.y - b.y);
    if (measured.length > 0) {
      datasets.push({ label: `${transport} (measured)`, data: measured, showLine: false, borderColor: colour, backgroundColor: colour, pointStyle: 'rectRot', pointRadius: 6 });
      // Repeats at one client count: the table shows their mean, the chart every point.
      const sums = new Map<number, number[]>();
      for (const p of measured) sums.set(p.x, [...(sums.get(p.x) ?? []), p.y]);
      measuredBy.set(transport, new Map([...sums].map(([x, ys]) => [x, mean(ys)])));
    }
  }
  const transports = [...groups.keys()];
  const measuredCounts = [...new Set([...measuredBy.values()].flatMap((m) => [...m.keys()]))].sort((a, b) => a - b);
  const rows: string[][] = [
    ...decades.map((n) => [`${formatNumber(n)} derived`, ...transports.map((t) => formatNumber(derivedBy.get(t)?.get(n)))]),
    ...measuredCounts.map((n) => [`${formatNumber(n)} measured`, ...transports.map((t) => formatNumber(measuredBy.get(t)?.get(n)))]),
  ];
  const rates = [...new Set(runs.map((r) => r.rate))].map(formatNumber).join(', ');
  return {
    id: 'bits-per-second',
    title: 'Header and framing traffic against clients',
    caption:
      `Header/framing bits per second (both directions, payload excluded) against connected clients, both axes logarithmic. ` +
      `Dashed lines are derived from this run’s measured bytes per message × clients × ${rates} message/s; ` +
      `diamonds are measured runs (overhead bytes per message × delivered messages ÷ window).`,
    config: {
      type: 'scatter',
      data: { labels: [], datasets },
      options: baseOptions({
        plugins: { legend: { labels: { usePointStyle: true } } },
        scales: {
          x: { type: 'logarithmic', title: axisTitle('clients') },
          y: { type: 'logarithmic', title: axisTitle('header/framing bits per second') },
        },
      }),
    },
    table: { columns: ['clients', ...transports.map((t) => `${t} bits/s`)], rows },
  };
}

/** Percentile label as the axis and table show it. */
export function percentileLabel(p: number): string {
  return p === 100 ? 'max' : `p${p}`;
}

/** Latency from publish to receipt at fixed percentiles, per transport (repeats merged), from the histograms. */
export function latencyChart(results: ResultsFile): ChartSpec {
  const groups = byTransport(completedRuns(results));
  const labels = LATENCY_PERCENTILES.map(percentileLabel);
  const datasets: ChartDataset[] = [];
  const counts: number[] = [];
  for (const [transport, list] of groups) {
    const dist = latencyDistribution(list);
    const byP = new Map(dist.points.map((p) => [p.percentile, p.latencyMs]));
    const data = LATENCY_PERCENTILES.map((p) => byP.get(p) ?? null);
    const colour = transportColour(transport);
    datasets.push({ label: transport, data, borderColor: colour, backgroundColor: colour, spanGaps: true, pointRadius: 3 });
    counts.push(dist.count);
  }
  const rows = [['samples', ...counts.map(formatNumber)], ...labels.map((l, i) => [`${l} ms`, ...datasets.map((d) => formatNumber(d.data[i] as number | null))])];
  return {
    id: 'latency',
    title: 'Latency percentiles',
    caption:
      'Milliseconds from publish to receipt at each percentile, per transport (repeats merged), computed from the recorded HdrHistograms; ' +
      'logarithmic latency axis.',
    config: {
      type: 'line',
      data: { labels, datasets },
      options: baseOptions({ scales: { x: { title: axisTitle('percentile') }, y: { type: 'logarithmic', title: axisTitle('latency (ms)') } } }),
    },
    table: { columns: ['percentile', ...datasets.map((d) => d.label)], rows },
  };
}

/**
 * Mean and slowest delivery by the second each message was published, per transport (repeats merged): whether the
 * tail came from the first bursts, a stall, or every second alike. Null when no run recorded it.
 */
export function latencyOverTimeChart(results: ResultsFile): ChartSpec | null {
  const groups = byTransport(completedRuns(results).filter((r) => r.latencyMs.overTime && r.latencyMs.overTime.count.length > 0));
  if (groups.size === 0) return null;
  const timelines = [...groups].map(([transport, list]) => ({ transport, t: mergeOverTime(list.map((r) => r.latencyMs.overTime!)) }));
  const bucketS = Math.max(...timelines.map(({ t }) => t.bucketS));
  const buckets = Math.max(...timelines.map(({ t }) => t.count.length * (t.bucketS / bucketS)));
  const labels = Array.from({ length: buckets }, (_, i) => String(i * bucketS));
  const datasets: ChartDataset[] = [];
  for (const { transport, t } of timelines) {
    const colour = transportColour(transport);
    const at = (values: Array<number | null>): Array<number | null> => labels.map((_, i) => (t.bucketS === bucketS ? (values[i] ?? null) : null));
    datasets.push({ label: `${transport} mean`, data: at(t.meanMs), borderColor: colour, backgroundColor: colour, pointRadius: 2, spanGaps: false });
    datasets.push({ label: `${transport} max`, data: at(t.maxMs), borderColor: colour, backgroundColor: colour, borderDash: [6, 4], pointRadius: 2, spanGaps: false });
  }
  return {
    id: 'latency-over-time',
    title: 'Latency by publish time',
    caption:
      `Mean (solid) and slowest (dashed) milliseconds from publish to receipt of the messages published in each ${bucketS}-second bucket ` +
      'after the window opened, per transport (repeats merged); logarithmic latency axis.' +
      (results.options.warmupS ? ` The first ${results.options.warmupS} s are the warm-up, left out of the latency percentiles.` : ''),
    config: {
      type: 'line',
      data: { labels, datasets },
      options: baseOptions({ scales: { x: { title: axisTitle('published at (s after the window opened)') }, y: { type: 'logarithmic', title: axisTitle('latency (ms)') } } }),
    },
    table: {
      columns: ['published at s', ...datasets.map((d) => `${d.label} ms`)],
      rows: labels.map((l, i) => [l, ...datasets.map((d) => formatNumber(d.data[i] as number | null))]),
    },
  };
}

/** Server CPU per delivered message and server memory per connection. */
export function serverCostCharts(results: ResultsFile): ChartSpec[] {
  const runs = completedRuns(results);
  const labels = runs.map((r) => runLabel(r, results.runs));
  const colours = runs.map((r) => transportColour(r.transport));
  const cpuUs = runs.map((r) => r.server.cpuSecondsPerMessage * 1e6);
  const memKiB = runs.map((r) => {
    const b = memoryBytesPerConnection(r);
    return b === null ? null : b / 1024;
  });
  const bar = (label: string, data: Array<number | null>, axis: string): ChartConfig => ({
    type: 'bar',
    data: { labels, datasets: [{ label, data, backgroundColor: colours }] },
    options: baseOptions({ indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, title: axisTitle(axis) } } }),
  });
  return [
    {
      id: 'server-cpu',
      title: 'Server CPU per message',
      caption: 'Server process CPU time (user + system) during the window divided by delivered messages, in microseconds per message.',
      config: bar('server CPU µs/message', cpuUs, 'CPU microseconds per delivered message'),
      table: {
        columns: ['transport', 'CPU µs/message', 'server CPU s', 'delivered', 'event-loop delay p99 ms'],
        rows: runs.map((r, i) => [labels[i]!, formatNumber(cpuUs[i]!), formatNumber(r.server.cpuSeconds), formatNumber(r.messages.delivered), formatNumber(r.server.eventLoopDelay.p99Ms)]),
      },
    },
    {
      id: 'server-memory',
      title: 'Server memory per connection',
      caption: 'Server memory per connection in KiB: connected minus idle resident memory after a full garbage collection where the run measured it, otherwise resident memory at the end of the window divided by connected clients (baseline included).',
      config: bar('server KiB/connection', memKiB, 'KiB per connection'),
      table: {
        columns: ['transport', 'KiB/connection', 'server RSS MiB', 'connected'],
        rows: runs.map((r, i) => [labels[i]!, formatNumber(memKiB[i]), formatNumber(r.server.rssBytes / 1048576), formatNumber(r.connect.connected)]),
      },
    },
  ];
}

/** Numeric leaves of an object, as dotted paths, for fields whose layout this report does not know yet. */
export function numericLeaves(value: unknown, prefix = ''): Array<[string, number]> {
  if (typeof value === 'number' && Number.isFinite(value)) return [[prefix || 'value', value]];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => numericLeaves(v, prefix ? `${prefix}.${k}` : k));
}

/**
 * Capacity per transport: from the top-level `capacity` section `pushbench capacity` writes, else from a
 * `capacity` field on runs (read defensively: every numeric field becomes a column and the first one a chart; runs
 * without it are left out); null when neither is there.
 */
export function capacityChart(results: ResultsFile): ChartSpec | null {
  // What `pushbench capacity` writes: the search's answer per transport, at the top of the file.
  const c = results.capacity;
  if (c && c.by === 'rate' && c.transports.length > 0) {
    const labels = c.transports.map((t) => t.transport);
    return {
      id: 'capacity',
      title: 'Capacity',
      caption:
        `Largest per-client rate at which ${formatNumber(c.maxClients)} clients of each transport were sustained with p99 at most ${c.p99Ms} ms, latency level, ` +
        `nothing lost and every client connected (${c.durationS} s measured per probe), from pushbench capacity --by rate; the search stops at ${formatNumber(c.maxRate ?? 0)} msg/s.`,
      config: {
        type: 'bar',
        data: { labels, datasets: [{ label: 'max msg/s per client', data: c.transports.map((t) => t.maxRate ?? 0), backgroundColor: labels.map(transportColour) }] },
        options: baseOptions({ indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, title: axisTitle('messages per second per client') } } }),
      },
      table: { columns: capacityColumns(c), rows: capacityRows(c) },
    };
  }
  if (c && c.transports.length > 0) {
    const labels = c.transports.map((t) => t.transport);
    return {
      id: 'capacity',
      title: 'Capacity',
      caption:
        `Largest client count each transport sustained at ${results.options.rate} message/s with p99 at most ${c.p99Ms} ms, nothing lost and ` +
        `every client connected (${c.durationS} s measured per probe), from pushbench capacity; the search stops at ${formatNumber(c.maxClients)}.`,
      config: {
        type: 'bar',
        data: { labels, datasets: [{ label: 'max clients', data: c.transports.map((t) => t.maxClients), backgroundColor: labels.map(transportColour) }] },
        options: baseOptions({ indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, title: axisTitle('clients') } } }),
      },
      table: { columns: capacityColumns(c), rows: capacityRows(c) },
    };
  }
  const runs = completedRuns(results)
    .map((r) => ({ run: r, leaves: numericLeaves((r as unknown as { capacity?: unknown }).capacity) }))
    .filter((x) => x.leaves.length > 0);
  if (runs.length === 0) return null;
  const keys = [...new Set(runs.flatMap((x) => x.leaves.map(([k]) => k)))];
  const first = keys[0]!;
  const labels = runs.map((x) => runLabel(x.run, results.runs));
  const values = runs.map((x) => new Map(x.leaves));
  return {
    id: 'capacity',
    title: 'Capacity',
    caption: `Capacity per transport as recorded in the results (chart: ${first}; the table shows every recorded capacity field).`,
    config: {
      type: 'bar',
      data: { labels, datasets: [{ label: first, data: values.map((m) => m.get(first) ?? null), backgroundColor: runs.map((x) => transportColour(x.run.transport)) }] },
      options: baseOptions({ indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, title: axisTitle(first) } } }),
    },
    table: { columns: ['transport', ...keys], rows: runs.map((_, i) => [labels[i]!, ...keys.map((k) => formatNumber(values[i]!.get(k)))]) },
  };
}

/** How a fault is named in captions and tables, with its parameters. */
export function faultLabel(f: NonNullable<ResultsFile['faults']>['spec']): string {
  switch (f.kind) {
    case 'server-restart':
      return `server restart at ${f.atS} s, down ${f.downS} s`;
    case 'connection-drop':
      return `${formatNumber(f.share * 100)}% of connections reset at ${f.atS} s`;
    case 'partition':
      return `partition (black hole) from ${f.atS} s for ${f.forS} s`;
    case 'slow-consumer':
      return `${formatNumber(f.share * 100)}% of clients reading ${formatNumber(f.readBytesPerS)} B/s from ${f.atS} s`;
    case 'reconnect-storm':
      return `every connection reset at ${f.atS} s (reconnect storm)`;
  }
}

/**
 * Messages delivered per second (by the second they arrived, all clients) around the fault, one line per transport
 * run: the dip, the catch-up burst of a resuming client and the return to the steady rate. Null without a `faults`
 * section.
 */
export function faultTimelineChart(results: ResultsFile): ChartSpec | null {
  const faults = results.faults;
  if (!faults || faults.transports.length === 0) return null;
  const entries = faults.transports;
  const bucketS = Math.max(...entries.map((e) => e.timeline.bucketS));
  const buckets = Math.max(...entries.map((e) => e.timeline.deliveredPerS.length));
  const labels = Array.from({ length: buckets }, (_, i) => String(i * bucketS));
  const repeats = (t: string): number => entries.filter((e) => e.transport === t).length;
  const names = entries.map((e) => (repeats(e.transport) > 1 ? `${e.transport} #${e.repeat + 1}` : e.transport));
  const datasets: ChartDataset[] = entries.map((e, i) => {
    const colour = transportColour(e.transport);
    return { label: names[i]!, data: labels.map((_, j) => e.timeline.deliveredPerS[j] ?? 0), borderColor: colour, backgroundColor: colour, pointRadius: 2, stepped: true };
  });
  const f = faults.spec;
  const end = entries[0]!.endS;
  return {
    id: 'fault-timeline',
    title: 'Delivery around the fault',
    caption:
      `Distinct messages delivered per ${bucketS} s to all clients, by the second they arrived after the window opened, per transport: ${faultLabel(f)}` +
      (f.kind === 'slow-consumer' ? '' : `; the fault spans seconds ${formatNumber(f.atS)} to ${formatNumber(end)}`) +
      `. Clients ${faults.resume ? 'resume from the last message they hold' : 'do not resume (--no-resume)'}` +
      (faults.heartbeatMs > 0 ? `; heartbeats every ${formatNumber(faults.heartbeatMs)} ms` : '; no heartbeats') +
      '. A dip is the outage, a spike after it the backlog a resuming client catches up on.',
    config: {
      type: 'line',
      data: { labels, datasets },
      options: baseOptions({ scales: { x: { title: axisTitle('seconds after the window opened') }, y: { beginAtZero: true, title: axisTitle('messages delivered per second') } } }),
    },
    table: {
      columns: ['s', ...names.map((n) => `${n} msg/s`)],
      rows: labels.map((l, j) => [l, ...entries.map((e) => formatNumber(e.timeline.deliveredPerS[j] ?? 0))]),
    },
  };
}

/** Every chart of one run's page, in page order. */
export function runCharts(results: ResultsFile, others: readonly ResultsFile[] = []): ChartSpec[] {
  if (completedRuns(results).length === 0) return [];
  const capacity = capacityChart(results);
  const overTime = latencyOverTimeChart(results);
  const fault = faultTimelineChart(results);
  return [
    ...(fault ? [fault] : []),
    overheadChart(results),
    bitsPerSecondChart(results, others),
    latencyChart(results),
    ...(overTime ? [overTime] : []),
    ...serverCostCharts(results),
    ...(capacity ? [capacity] : []),
  ];
}

/** A run's place on a history axis: start time to the minute, and the commit when known. */
export function historyLabel(results: ResultsFile): string {
  const when = results.startedAt.replace('T', ' ').slice(0, 16);
  return results.environment.commit ? `${when} ${results.environment.commit.slice(0, 7)}` : when;
}

interface HistoryMetric {
  id: string;
  /** Log scale where transports differ by orders of magnitude (polling latency against pushed latency). */
  log?: boolean;
  title: string;
  unit: string;
  caption: string;
  /** The metric for one transport's runs in one results file (repeats combined), or null. */
  value(runs: CompletedTransportRun[]): number | null;
}

const HISTORY_METRICS: HistoryMetric[] = [
  { id: 'history-overhead', title: 'Header/framing bytes per message', unit: 'B/message', caption: 'Header and framing bytes per delivered message, both directions (mean of repeats).', value: (rs) => mean(rs.map(overheadBytesPerMessage)) },
  { id: 'history-latency-p50', log: true, title: 'Latency p50', unit: 'ms', caption: 'Median milliseconds from publish to receipt (repeats merged).', value: (rs) => latencyDistribution(rs).points.find((p) => p.percentile === 50)?.latencyMs ?? null },
  { id: 'history-latency-p99', log: true, title: 'Latency p99', unit: 'ms', caption: '99th percentile milliseconds from publish to receipt (repeats merged).', value: (rs) => latencyDistribution(rs).points.find((p) => p.percentile === 99)?.latencyMs ?? null },
  { id: 'history-cpu', title: 'Server CPU per message', unit: 'µs/message', caption: 'Server CPU microseconds per delivered message (mean of repeats).', value: (rs) => mean(rs.map((r) => r.server.cpuSecondsPerMessage * 1e6)) },
  {
    id: 'history-memory',
    title: 'Server memory per connection',
    unit: 'KiB/connection',
    caption: 'Server memory per connection, KiB (mean of repeats): measured connected minus idle where runs have it, otherwise end-of-window resident memory per client.',
    value: (rs) => {
      const xs = rs.map(memoryBytesPerConnection).filter((x): x is number => x !== null);
      return xs.length ? mean(xs) / 1024 : null;
    },
  },
  { id: 'history-lost', title: 'Messages lost', unit: 'messages', caption: 'Messages published but never delivered, all clients (sum of repeats).', value: (rs) => rs.reduce((n, r) => n + r.messages.lost, 0) },
];

/** One chart per metric across the successive runs of a scenario (oldest first), one line per transport. */
export function historyCharts(series: readonly ResultsFile[]): ChartSpec[] {
  const ordered = [...series].sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : 0));
  const labels = ordered.map(historyLabel);
  const transports = [...new Set(ordered.flatMap((r) => completedRuns(r).map((run) => run.transport)))];
  return HISTORY_METRICS.map((metric) => {
    const values = transports.map((t) =>
      ordered.map((r) => {
        const runs = completedRuns(r).filter((run) => run.transport === t);
        return runs.length ? metric.value(runs) : null;
      }),
    );
    return {
      id: metric.id,
      title: metric.title,
      caption: `${metric.caption} Unit: ${metric.unit}. One point per results file, oldest first.`,
      config: {
        type: 'line',
        data: {
          labels,
          datasets: transports.map((t, i) => ({ label: t, data: values[i]!, borderColor: transportColour(t), backgroundColor: transportColour(t), spanGaps: true, pointRadius: 3 })),
        },
        options: baseOptions({ scales: { x: { title: axisTitle('run (start, commit)') }, y: metric.log ? { type: 'logarithmic', title: axisTitle(metric.unit) } : { beginAtZero: true, title: axisTitle(metric.unit) } } }),
      },
      table: { columns: ['run', ...transports.map((t) => `${t} ${metric.unit}`)], rows: labels.map((l, j) => [l, ...transports.map((_, i) => formatNumber(values[i]![j]))]) },
    };
  });
}
