/**
 * The front page's verdict: what each transport costs relative to WebSocket, and what the machine sustained, drawn
 * from the newest results of each kind (the newest file of every scenario, the newest capacity search). Charts and
 * sentences are pure functions of results files; every number in a sentence is read from one, with its date and
 * machine.
 */
import type { CompletedTransportRun, ResultsFile } from '../results/types.js';
import { TRANSPORT_NAMES } from '../results/types.js';
import type { ChartDataset, ChartSpec } from './charts.js';
import { byTransport, completedRuns, overheadBytesPerMessage, transportColour } from './charts.js';
import { formatNumber } from './format.js';
import { rowsFor, type KaazingResults } from './kaazing.js';
import { latencyDistribution } from './latency.js';

/** At most this many scenarios on the front page's charts (the newest ones); older ones are on their pages. */
export const VERDICT_MAX_SCENARIOS = 6;

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const byStart = (a: ResultsFile, b: ResultsFile): number => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0);

/**
 * Why a run was marked overloaded, or null. Read defensively, so files from before and after the field all render:
 * `steady: { state: 'overloaded', reason }` (latency grew across the window: no steady state), or an `overloaded`
 * field as a boolean, a reason, or an object with a reason.
 */
export function overloadedReason(run: CompletedTransportRun): string | null {
  const r = run as unknown as { steady?: { state?: unknown; reason?: unknown }; overloaded?: unknown };
  if (r.steady && r.steady.state === 'overloaded') return typeof r.steady.reason === 'string' && r.steady.reason ? r.steady.reason : 'latency grew across the window';
  const o = r.overloaded;
  if (o === true) return 'overloaded';
  if (typeof o === 'string' && o.length > 0) return o;
  if (typeof o === 'object' && o !== null) {
    const x = o as { overloaded?: unknown; reason?: unknown };
    if (x.overloaded === false) return null;
    if (typeof x.reason === 'string' && x.reason.length > 0) return x.reason;
    if (x.overloaded === true) return 'overloaded';
  }
  return null;
}

/** Why the whole machine was marked saturated during a run (`machine.saturated`, newer harnesses), or null. */
export function machineSaturation(run: CompletedTransportRun): string | null {
  const m = (run as unknown as { machine?: { saturated?: unknown; saturationReason?: unknown } }).machine;
  if (!m || m.saturated !== true) return null;
  return typeof m.saturationReason === 'string' && m.saturationReason ? m.saturationReason : 'cores busy most of the window';
}

/** Transports in the registry's order, unknown names after them. */
function transportOrder(names: Iterable<string>): string[] {
  const set = new Set(names);
  return [...TRANSPORT_NAMES.filter((t) => set.has(t)), ...[...set].filter((t) => !(TRANSPORT_NAMES as readonly string[]).includes(t))];
}

/** A file's date as the front page names it. */
function day(r: ResultsFile): string {
  return r.startedAt.slice(0, 10);
}

function machine(r: ResultsFile): string {
  return `${r.environment.cpuModel} × ${r.environment.cpuCount}`;
}

/** One scenario on the front page: for every transport, its runs in the newest file of the scenario that measured it. */
export interface VerdictSeries {
  scenario: string;
  label: string;
  transports: Map<string, { runs: CompletedTransportRun[]; file: ResultsFile }>;
}

/**
 * The newest results of each kind: per scenario (capacity searches apart), per transport, the newest file that
 * measured it, so a later check of one transport does not hide the others. Newest scenarios first, at most
 * VERDICT_MAX_SCENARIOS.
 */
export function verdictSeries(all: readonly ResultsFile[]): VerdictSeries[] {
  const series = new Map<string, VerdictSeries>();
  for (const file of [...all].sort(byStart)) {
    if (file.capacity) continue;
    for (const [transport, runs] of byTransport(completedRuns(file))) {
      let s = series.get(file.scenario);
      if (!s) series.set(file.scenario, (s = { scenario: file.scenario, label: '', transports: new Map() }));
      if (!s.transports.has(transport)) s.transports.set(transport, { runs, file });
    }
  }
  const out = [...series.values()].slice(0, VERDICT_MAX_SCENARIOS);
  for (const s of out) {
    const entries = [...s.transports.values()];
    const days = [...new Set(entries.map((e) => day(e.file)))].sort();
    const clients = [...new Set(entries.flatMap((e) => e.runs.map((r) => r.clients)))];
    s.label = `${s.scenario} (${days.length === 1 ? days[0] : `${days[0]} to ${days.at(-1)}`}${clients.length === 1 ? `, ${formatNumber(clients[0]!)} clients` : ''})`;
  }
  return out;
}

/** The newest file with a capacity search over `by` (client counts unless said; files without `by` are), or null. */
export function newestCapacity(all: readonly ResultsFile[], by: 'clients' | 'rate' = 'clients'): ResultsFile | null {
  return [...all].sort(byStart).find((r) => r.capacity && r.capacity.transports.length > 0 && (r.capacity.by ?? 'clients') === by) ?? null;
}

/**
 * The file the sentences compare transports in: the newest of those that measured WebSocket beside the most other
 * transports (one file, so every transport ran with the same clients, rate, payload and headers).
 */
export function referenceFile(all: readonly ResultsFile[]): ResultsFile | null {
  let best: ResultsFile | null = null;
  let bestCount = 0;
  for (const r of [...all].sort(byStart)) {
    if (r.capacity || !completedRuns(r).some((x) => x.transport === 'websocket')) continue;
    const n = new Set(completedRuns(r).map((x) => x.transport)).size;
    if (n > bestCount) [best, bestCount] = [r, n];
  }
  return best;
}

/** Overhead bytes per delivered message per transport, one series per scenario's newest file; log axis. */
export function verdictOverheadChart(series: readonly VerdictSeries[]): ChartSpec {
  const transports = transportOrder(series.flatMap((s) => [...s.transports.keys()]));
  const palette = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00'];
  const values = series.map((s) => {
    return transports.map((t) => {
      const runs = s.transports.get(t)?.runs;
      const v = runs ? mean(runs.map(overheadBytesPerMessage)) : null;
      return v !== null && v > 0 ? v : null;
    });
  });
  const datasets: ChartDataset[] = series.map((s, i) => ({ label: s.label, data: values[i]!, backgroundColor: palette[i % palette.length] }));
  return {
    id: 'verdict-overhead',
    title: 'Header and framing bytes per message',
    caption:
      'Bytes of headers and framing per delivered message, both directions, counted at the server’s sockets (message bodies excluded), mean of repeats; ' +
      'one bar per scenario, from the newest results file that measured the transport; logarithmic axis.',
    config: {
      type: 'bar',
      data: { labels: transports, datasets },
      options: { animation: false, responsive: true, maintainAspectRatio: false, indexAxis: 'y', scales: { x: { type: 'logarithmic', title: { display: true, text: 'bytes per message' } } } },
    },
    table: { columns: ['transport', ...series.map((s) => `${s.label} B/msg`)], rows: transports.map((t, j) => [t, ...values.map((v) => formatNumber(v[j]))]) },
  };
}

interface CostPoint {
  transport: string;
  scenario: string;
  clients: number;
  p99Ms: number | null;
  cpuUsPerMessage: number;
  marks: string[];
}

function costPoints(series: readonly VerdictSeries[]): CostPoint[] {
  const points: CostPoint[] = [];
  for (const s of series) {
    for (const [transport, { runs }] of s.transports) {
      const p99 = latencyDistribution(runs).points.find((p) => p.percentile === 99)?.latencyMs ?? null;
      const marks = [
        ...runs.map(overloadedReason).filter((x): x is string => x !== null).map((x) => `overloaded: ${x}`),
        ...runs.filter((x) => x.clientWorkers.saturated).map((x) => `generator saturated: ${x.clientWorkers.saturationReason ?? 'no reason recorded'}`),
        ...runs.map(machineSaturation).filter((x): x is string => x !== null).map((x) => `machine saturated: ${x}`),
      ];
      points.push({ transport, scenario: s.label, clients: Math.max(...runs.map((x) => x.clients)), p99Ms: p99, cpuUsPerMessage: mean(runs.map((x) => x.server.cpuSecondsPerMessage * 1e6)), marks: [...new Set(marks)] });
    }
  }
  return points;
}

/** p99 latency against server CPU per message, a point per transport and scenario; both axes logarithmic. */
export function verdictCostChart(series: readonly VerdictSeries[]): ChartSpec {
  const points = costPoints(series);
  const transports = transportOrder(points.map((p) => p.transport));
  const datasets: ChartDataset[] = transports.map((t) => {
    const colour = transportColour(t);
    return {
      label: t,
      data: points.filter((p) => p.transport === t && p.p99Ms !== null && p.p99Ms > 0 && p.cpuUsPerMessage > 0).map((p) => ({ x: p.cpuUsPerMessage, y: p.p99Ms! })),
      borderColor: colour,
      backgroundColor: colour,
      pointRadius: 5,
      showLine: false,
    };
  });
  return {
    id: 'verdict-cost',
    title: 'Latency p99 against server CPU per message',
    caption:
      'Each point is one transport in one scenario (its newest results file that measured the transport): 99th-percentile milliseconds from publish to receipt (repeats merged) against ' +
      'server CPU microseconds per delivered message (mean of repeats); both axes logarithmic. Lower and further left is cheaper. ' +
      'The table marks runs the harness flagged as overloaded or whose load generator was saturated.',
    config: {
      type: 'scatter',
      data: { datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: { x: { type: 'logarithmic', title: { display: true, text: 'server CPU µs per message' } }, y: { type: 'logarithmic', title: { display: true, text: 'p99 latency (ms)' } } },
      },
    },
    table: {
      columns: ['transport', 'scenario', 'clients', 'p99 ms', 'CPU µs/msg', 'marked'],
      rows: points.map((p) => [p.transport, p.scenario, formatNumber(p.clients), formatNumber(p.p99Ms), formatNumber(p.cpuUsPerMessage), p.marks.join('; ') || '–']),
    },
  };
}

/** A few sentences generated from the data: cost relative to WebSocket, and what the machine sustained. */
export function verdictSentences(all: readonly ResultsFile[], studies: readonly KaazingResults[] = []): string[] {
  const out: string[] = [];
  const ref = referenceFile(all);
  if (ref) {
    const groups = byTransport(completedRuns(ref));
    const ws = groups.get('websocket')!;
    const wsBytes = mean(ws.map(overheadBytesPerMessage));
    const wsCpu = mean(ws.map((r) => r.server.cpuSecondsPerMessage * 1e6));
    const wsP99 = latencyDistribution(ws).points.find((p) => p.percentile === 99)?.latencyMs ?? null;
    const o = ref.options;
    const bytes: string[] = [];
    const cpu: string[] = [];
    const p99: string[] = [];
    for (const t of transportOrder(groups.keys())) {
      if (t === 'websocket') continue;
      const runs = groups.get(t)!;
      const b = mean(runs.map(overheadBytesPerMessage));
      const c = mean(runs.map((r) => r.server.cpuSecondsPerMessage * 1e6));
      const l = latencyDistribution(runs).points.find((p) => p.percentile === 99)?.latencyMs ?? null;
      bytes.push(`${t} ${formatNumber(b)} B (${wsBytes > 0 ? `${formatNumber(b / wsBytes)}×` : '–'})`);
      cpu.push(`${t} ${formatNumber(c)} µs (${wsCpu > 0 ? `${formatNumber(c / wsCpu)}×` : '–'})`);
      if (l !== null) p99.push(`${t} ${formatNumber(l)} ms`);
    }
    const clients = [...new Set(completedRuns(ref).map((r) => r.clients))].map(formatNumber).join(', ');
    out.push(
      `In ${ref.scenario} (${day(ref)}, ${machine(ref)}; ${clients} clients, ${formatNumber(o.rate)} message/s of ${formatNumber(o.payloadBytes)} B, profile ${o.profile}), ` +
        `WebSocket spent ${formatNumber(wsBytes)} B of headers and framing per message; against it: ${bytes.join(', ')}.`,
    );
    out.push(`Server CPU per delivered message: WebSocket ${formatNumber(wsCpu)} µs; ${cpu.join(', ')}.`);
    if (wsP99 !== null) out.push(`Latency p99 from publish to receipt: WebSocket ${formatNumber(wsP99)} ms; ${p99.join(', ')}.`);
  }
  const study = [...studies].sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1))[0];
  if (study) {
    const sentence = studySentence(study);
    if (sentence) out.push(sentence);
  }
  const cap = newestCapacity(all);
  if (cap && cap.capacity) {
    const c = cap.capacity;
    const parts = c.transports.map(
      (t) => `${t.transport} ${formatNumber(t.maxClients)}${t.maxClients >= c.maxClients ? ' (the search’s ceiling)' : t.firstFailedClients !== null ? ` (failed at ${formatNumber(t.firstFailedClients)}: ${t.limitedBy})` : ''}`,
    );
    out.push(
      `Sustained on ${machine(cap)} (pushbench capacity, ${day(cap)}): the most clients each transport served at ${formatNumber(cap.options.rate)} message/s ` +
        `with p99 at most ${formatNumber(c.p99Ms)} ms, nothing lost and every client connected: ${parts.join('; ')}.`,
    );
  }
  const byRate = newestCapacity(all, 'rate');
  if (byRate && byRate.capacity) {
    const c = byRate.capacity;
    const parts = c.transports.map((t) => {
      const max = t.maxRate ?? 0;
      if (max === 0) return `${t.transport} at none of the rates probed (${t.limitedBy})`;
      if (t.firstFailedRate === null || t.firstFailedRate === undefined) return `${t.transport} up to ${formatNumber(max)} msg/s each (the search’s ceiling)`;
      return `${t.transport} up to ${formatNumber(max)} msg/s each (failed at ${formatNumber(t.firstFailedRate)}: ${t.limitedBy})`;
    });
    out.push(
      `Sustained on ${machine(byRate)} (pushbench capacity --by rate, ${day(byRate)}): ${formatNumber(c.maxClients)} clients, with p99 at most ${formatNumber(c.p99Ms)} ms, ` +
        `latency level over ${formatNumber(c.durationS)} s, nothing lost and every client connected: ${parts.join('; ')}.`,
    );
  }
  // The largest client count measured per transport, outside capacity searches, with the marks it carries.
  const largest = new Map<string, { run: CompletedTransportRun; file: ResultsFile }>();
  for (const file of all) {
    if (file.capacity) continue;
    for (const run of completedRuns(file)) {
      const best = largest.get(run.transport);
      if (!best || run.clients > best.run.clients || (run.clients === best.run.clients && file.startedAt > best.file.startedAt)) largest.set(run.transport, { run, file });
    }
  }
  if (largest.size) {
    const parts = transportOrder(largest.keys()).map((t) => {
      const { run, file } = largest.get(t)!;
      const marks = [overloadedReason(run) ? `marked overloaded: ${overloadedReason(run)}` : null, run.clientWorkers.saturated ? 'load generator saturated' : null, machineSaturation(run) ? 'machine saturated' : null, run.messages.lost > 0 ? `${formatNumber(run.messages.lost)} messages lost` : null].filter(Boolean);
      return `${t} ${formatNumber(run.connect.connected)} of ${formatNumber(run.clients)} clients connected, p99 ${formatNumber(run.latencyMs.p99)} ms (${file.scenario}, ${day(file)}${marks.length ? `; ${marks.join(', ')}` : ''})`;
    });
    out.push(`Largest runs measured: ${parts.join('; ')}.`);
  }
  return out;
}

/** The newest kaazing study in one sentence: the article's ratio against the measured one, with its heads. */
export function studySentence(study: KaazingResults): string | null {
  const profile = study.profiles.find((p) => p.profile === 'kaazing-2009') ?? study.profiles[0];
  if (!profile) return null;
  const c = study.cases.find((x) => x.profile === profile.profile && !x.extrapolatedFrom);
  if (!c) return null;
  const rows = rowsFor(c, study.cases, study.rate)?.rows ?? [];
  const poll = rows.find((r) => r.transport === 'short-polling');
  const ws = rows.find((r) => r.transport === 'websocket');
  if (!poll || !ws || ws.c2s + ws.s2c <= 0) return null;
  const a = study.article;
  const one = (x: number) => x.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  return (
    `The kaazing study (${study.startedAt.slice(0, 10)}, ${study.environment.cpuModel} × ${study.environment.cpuCount}): with profile ${profile.profile}, ` +
    `use case ${c.useCase} (${formatNumber(c.clients)} clients), short polling spent ${formatNumber(poll.c2s + poll.s2c)} B of headers and framing per message against WebSocket’s ` +
    `${formatNumber(ws.c2s + ws.s2c)} B, ${one((poll.c2s + poll.s2c) / (ws.c2s + ws.s2c))} : 1; the article computed ${a.pollOverheadBytes} / ${a.websocketFrameBytes} = ` +
    `${one(a.pollOverheadBytes / a.websocketFrameBytes)} : 1 and claimed ${a.claimedRatios.join(' or ')}.`
  );
}
