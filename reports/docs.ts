/**
 * The generated parts of the project's Markdown (README.md, docs/*.md, reports/kaazing.md): every published figure
 * is rendered here from a committed results file, and `pushbench docs --check` re-renders them in CI.
 *
 * A generated part sits between two HTML comments, which Markdown does not show:
 *
 *     <!-- pushbench:begin scale-table source=docs/results/scale-1k.json,docs/results/scale-10k.json -->
 *     …generated, never edited by hand…
 *     <!-- pushbench:end -->
 *
 * `source=` lists results files relative to the repository root (`.json` or `.json.gz`); other `key=value` pairs
 * select what to show (`clients=100000`). Everything outside the markers is hand-written and left alone.
 *
 * Pure functions of parsed results: no I/O, no harness runtime (the command in harness/commands/docs.ts reads the
 * files and writes the documents).
 */
import path from 'node:path';
import { renderKaazingReport, type KaazingResults } from './kaazing.js';
import { renderKaazing2026 } from './kaazing-2026.js';
import { renderFaultSummary, renderFaultTables } from './faults.js';
import { renderServerComparison } from './servers.js';
import { floorReference, formatFloorTable } from './floor.js';
import type { FloorResults } from '../results/floor.js';
import { COLUMNS, COST_COLUMNS, capacityColumns, capacityRows, formatRate, formatTable, type Column } from './table.js';
import type { CapacityResults, CompletedTransportRun, ResultsFile, TransportCapacity, TransportRun } from '../results/types.js';
import { clientBytesPerConnection, serverBytesPerConnection } from '../results/memory.js';
import { median } from '../results/stats.js';

/** A document or a results file the documents cannot be rendered from. The command turns it into exit 2. */
export class DocsInputError extends Error {
  override name = 'DocsInputError';
}

/** One generated part of a document, as its markers describe it. */
export interface Part {
  kind: string;
  /** Results files, relative to the repository root, in the order given. */
  sources: string[];
  /** The marker's other `key=value` pairs. */
  args: Record<string, string>;
  /** 1-based line of the begin marker, for messages. */
  line: number;
  /** The begin marker's line as written. */
  begin: string;
  /** The committed text between the markers (without the newlines next to them). */
  body: string;
  /** Offsets of the body in the document (the body is `text.slice(start, end)`). */
  start: number;
  end: number;
}

/** What a part is rendered from: a run's results file, or a kaazing study's. */
export type DocInput =
  | { kind: 'run'; source: string; results: ResultsFile }
  | { kind: 'kaazing'; source: string; results: KaazingResults }
  | { kind: 'floor'; source: string; results: FloorResults };

const BEGIN = /^<!-- pushbench:begin ([a-z0-9-]+)((?: [a-zA-Z]+=[^ ]+)*) -->$/;
const END = '<!-- pushbench:end -->';

/** The generated parts of a document, in order. Throws DocsInputError on a marker it cannot pair or read. */
export function parseParts(text: string, doc: string): Part[] {
  const parts: Part[] = [];
  let open: Omit<Part, 'body' | 'end'> | null = null;
  let offset = 0;
  const lines = text.split('\n');
  // Markers shown inside a fenced code block (an example in prose) are text, not markers.
  let fenced = false;
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    const next = offset + raw.length + 1;
    if (!open && /^\s*(```|~~~)/.test(line)) fenced = !fenced;
    if (fenced) {
      offset = next;
      return;
    }
    if (line.startsWith('<!-- pushbench:begin')) {
      if (open) throw new DocsInputError(`${doc}:${i + 1}: a pushbench:begin marker inside the part opened on line ${open.line}; close it with ${END} first`);
      const m = BEGIN.exec(line);
      if (!m) throw new DocsInputError(`${doc}:${i + 1}: cannot read the marker; write <!-- pushbench:begin KIND source=FILE[,FILE…] [key=value …] -->`);
      const args: Record<string, string> = {};
      for (const pair of m[2]!.trim().split(' ').filter(Boolean)) {
        const eq = pair.indexOf('=');
        args[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
      const sources = (args.source ?? '').split(',').filter(Boolean);
      delete args.source;
      if (!sources.length) throw new DocsInputError(`${doc}:${i + 1}: the ${m[1]} part names no results file; add source=docs/results/FILE.json`);
      const outside = sources.find((x) => !x.startsWith('docs/results/') || x.split('/').includes('..'));
      if (outside) throw new DocsInputError(`${doc}:${i + 1}: ${outside} is not in docs/results/; copy the results file there (it is committed) and name it as docs/results/FILE`);
      if (!RENDERERS[m[1]!]) throw new DocsInputError(`${doc}:${i + 1}: unknown generated part "${m[1]}"; known: ${Object.keys(RENDERERS).join(', ')}`);
      open = { kind: m[1]!, sources, args, line: i + 1, begin: line, start: next };
    } else if (line === END) {
      if (!open) throw new DocsInputError(`${doc}:${i + 1}: ${END} without a pushbench:begin marker before it`);
      const o: Omit<Part, 'body' | 'end'> = open;
      // The body is the lines strictly between the markers; an empty part has start === offset.
      const end = Math.max(o.start, offset - 1);
      parts.push({ ...o, body: text.slice(o.start, end), end });
      open = null;
    }
    offset = next;
  });
  if (open) throw new DocsInputError(`${doc}:${(open as Part).line}: the ${(open as Part).kind} part is never closed; add ${END} after it`);
  return parts;
}

/** Every results file the document's parts read, without repeats. */
export function sourcesOf(parts: Part[]): string[] {
  return [...new Set(parts.flatMap((p) => p.sources))];
}

/** A part's new text. `doc` is the document's path from the repository root (links are made relative to it). */
type Renderer = (inputs: DocInput[], part: Part, doc: string) => string;

/** The document with every generated part rendered afresh, and which parts changed. */
export function renderDocument(text: string, doc: string, inputs: ReadonlyMap<string, DocInput>): { text: string; changed: Part[] } {
  const parts = parseParts(text, doc);
  const changed: Part[] = [];
  let out = '';
  let at = 0;
  for (const part of parts) {
    const body = renderPart(part, doc, inputs);
    if (body !== part.body) changed.push(part);
    out += text.slice(at, part.start) + body + (part.end === part.start && body ? '\n' : '');
    at = part.end;
  }
  return { text: out + text.slice(at), changed };
}

export function renderPart(part: Part, doc: string, inputs: ReadonlyMap<string, DocInput>): string {
  const got = part.sources.map((s) => {
    const input = inputs.get(s);
    if (!input) throw new DocsInputError(`${doc}:${part.line}: ${s} was not read`);
    return input;
  });
  return RENDERERS[part.kind]!(got, part, doc).replace(/\n+$/, '');
}

/** The document that `pushbench kaazing` writes: the whole of it is one generated part over `source`. */
export function renderKaazingDocument(results: KaazingResults, source: string, doc = 'reports/kaazing.md'): string {
  const begin = `<!-- pushbench:begin kaazing source=${source} -->`;
  const part: Part = { kind: 'kaazing', sources: [source], args: {}, line: 1, begin, body: '', start: 0, end: 0 };
  return `${begin}\n${renderPart(part, doc, new Map([[source, { kind: 'kaazing', source, results }]]))}\n${END}\n`;
}

// ---------------------------------------------------------------------------------------------------------------
// Provenance: every part says where its figures come from.

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const fixed = (n: number, digits: number): string => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function runResults(inputs: DocInput[], part: Part, doc: string): ResultsFile[] {
  return inputs.map((i) => {
    if (i.kind !== 'run') throw new DocsInputError(`${doc}:${part.line}: ${i.source} is a ${i.kind === 'kaazing' ? 'kaazing study' : 'floor file'}; the ${part.kind} part needs a results file of pushbench run or capacity`);
    return i.results;
  });
}

/** A link from the document to a results file, both relative to the repository root. */
function link(source: string, doc: string): string {
  const rel = path.posix.relative(path.posix.dirname(doc), source);
  return `[\`${path.posix.basename(source)}\`](${rel})`;
}

/** The command that produced a results file: recorded since the field exists, otherwise rebuilt from its options. */
export function commandOf(r: ResultsFile): string {
  if (r.environment.command) return `\`${r.environment.command}\``;
  const o = r.options;
  if (r.capacity?.by === 'rate') {
    const c = r.capacity;
    return (
      `\`pushbench capacity --by rate --transports ${o.transports.join(',')} --clients ${c.maxClients} --p99-ms ${c.p99Ms} --start-rate ${c.startRate} --max-rate ${c.maxRate} --min-rate ${c.minRate} ` +
      `--precision ${c.precision} --duration ${c.durationS} --warmup ${c.warmupS ?? 0} --retries ${c.retries ?? 0} --interval-ms ${c.intervalMs}\` (rebuilt from the recorded options)`
    );
  }
  if (r.capacity) {
    const c = r.capacity;
    return (
      `\`pushbench capacity --transports ${o.transports.join(',')} --p99-ms ${c.p99Ms} --max-clients ${c.maxClients} --start-clients ${c.startClients} ` +
      `--precision ${c.precision} --duration ${c.durationS} --warmup ${c.warmupS ?? 0} --retries ${c.retries ?? 0} --interval-ms ${c.intervalMs}\` (rebuilt from the recorded options)`
    );
  }
  const flags = [
    `--transports ${o.transports.join(',')}`,
    `--clients ${o.clients}`,
    `--rate ${o.rate}`,
    `--payload ${o.payloadBytes}`,
    `--duration ${o.durationS}`,
    o.warmupS ? `--warmup ${o.warmupS}` : '',
    `--profile ${o.profile}`,
    o.transports.some((t) => t === 'short-polling') ? `--interval-ms ${o.intervalMs}` : '',
    o.connectRate ? `--connect-rate ${o.connectRate}` : '',
    o.repeat > 1 ? `--repeat ${o.repeat}` : '',
    o.fault ? `--fault '${JSON.stringify(o.fault)}'` : '',
    o.resume === false ? '--no-resume' : '',
    o.heartbeatMs ? `--heartbeat-ms ${o.heartbeatMs}` : '',
    o.pattern === 'staggered' ? '--pattern staggered' : '',
  ].filter(Boolean);
  return `\`pushbench run ${r.scenario} ${flags.join(' ')}\` (rebuilt from the recorded options)`;
}

function machineOf(e: ResultsFile['environment']): string {
  return `${e.cpuModel}, ${e.cpuCount} cores, Node ${e.node}`;
}

function commitOf(e: ResultsFile['environment']): string {
  if (!e.commit) return 'commit not recorded';
  return `commit ${e.commit.slice(0, 12)}${e.dirty ? ' with uncommitted changes' : ''}`;
}

/** One line per results file: which file, what command, when, on what machine. */
export function provenance(files: Array<{ source: string; results: ResultsFile }>, doc: string): string {
  const machines = new Set(files.map((f) => machineOf(f.results.environment)));
  const lines = files.map(
    (f) =>
      `${link(f.source, doc)}: ${commandOf(f.results)} on ${f.results.startedAt.slice(0, 10)} (${f.results.startedAt.slice(11, 16)} UTC, ${commitOf(f.results.environment)})` +
      (machines.size > 1 ? ` on ${machineOf(f.results.environment)}` : ''),
  );
  const machine = machines.size === 1 ? `Machine: ${[...machines][0]}.` : '';
  if (lines.length === 1) return `*Generated by \`pushbench docs\` from ${lines[0]}. ${machine}*`.replace(' *', '*');
  return [`*Generated by \`pushbench docs\` from these results files. ${machine}*`.replace(' *', '*'), '', ...lines.map((l) => `- ${l}`)].join('\n');
}

const withSources = (inputs: DocInput[], part: Part, doc: string): Array<{ source: string; results: ResultsFile }> =>
  runResults(inputs, part, doc).map((results, i) => ({ source: inputs[i]!.source, results }));

// ---------------------------------------------------------------------------------------------------------------
// Run tables.

const completed = (r: TransportRun): r is CompletedTransportRun => r.state === 'completed';

/** A judgement other parts of the harness may add to a run (`overloaded`), shown when present, never required. */
/** The run's steady-state verdict in words: what a reader may quote from it (results `steady`, schema 2). */
function overloadNote(r: TransportRun): string | null {
  if (r.state !== 'completed' || !r.steady) return null;
  if (r.steady.state === 'overloaded') return `**OVERLOADED**: ${r.steady.reason}; its percentiles are not a capacity`;
  if (r.steady.state === 'unjudged') return `not judged: ${r.steady.reason}`;
  return null;
}

/** "sustained" when the run was judged level over its window; nothing for files before the judgement existed. */
function sustainedNote(r: TransportRun): string | null {
  return r.state === 'completed' && r.steady?.state === 'sustained' ? `sustained: ${r.steady.reason}` : null;
}

function byTitle(columns: Column[], title: string): Column {
  const c = columns.find((x) => x.title === title);
  if (!c) throw new Error(`table.ts has no column "${title}"`);
  return c;
}

/** A short-polling row says its interval when it is not the default 1 s, since that sets its latency. */
const transportColumn: Column = {
  title: 'transport',
  numeric: false,
  cell: (r) => {
    const label = byTitle(COLUMNS, 'transport').cell(r);
    const ms = r.transportOptions?.intervalMs;
    return r.transport === 'short-polling' && ms && ms !== 1000 ? `${label} (${ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`})` : label;
  },
};

// The run table's notes already carry the steady-state verdict (OVERLOADED*) and the machine's saturation.
const notesColumn: Column = byTitle(COLUMNS, 'notes');

/** The columns of the scale tables in docs/scale.md: both tables `pushbench run` prints, in one. */
export const SCALE_COLUMNS: Column[] = [
  transportColumn,
  byTitle(COLUMNS, 'clients'),
  byTitle(COST_COLUMNS, 'srv procs'),
  byTitle(COST_COLUMNS, 'workers'),
  byTitle(COST_COLUMNS, 'connect s'),
  byTitle(COLUMNS, 'p50 ms'),
  byTitle(COLUMNS, 'p99 ms'),
  byTitle(COST_COLUMNS, 'p99.9 ms'),
  byTitle(COLUMNS, 'delivered/expected'),
  byTitle(COST_COLUMNS, 'srv CPU us/msg'),
  byTitle(COST_COLUMNS, 'cli CPU us/msg'),
  byTitle(COST_COLUMNS, 'srv cores'),
  byTitle(COST_COLUMNS, 'cli cores'),
  byTitle(COST_COLUMNS, 'srv B/conn'),
  byTitle(COST_COLUMNS, 'cli B/conn'),
  notesColumn,
];

const escapeCell = (s: string): string => s.replace(/\|/g, '\\|').replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;'));

function markdownTable(titles: string[], numeric: boolean[], rows: string[][]): string {
  return [
    `| ${titles.join(' | ')} |`,
    `|${numeric.map((n) => (n ? '---:' : '---')).join('|')}|`,
    ...rows.map((row) => `| ${row.map(escapeCell).join(' | ')} |`),
  ].join('\n');
}

/** Runs selected by the part's `clients=` and `transports=` (all when absent). */
function selectRuns(runs: TransportRun[], part: Part): TransportRun[] {
  const clients = part.args.clients === undefined ? null : Number(part.args.clients);
  const transports = part.args.transports?.split(',') ?? null;
  return runs.filter((r) => (clients === null || r.clients === clients) && (!transports || transports.includes(r.transport)));
}

const quickTable: Renderer = (inputs, part, doc) => {
  if (inputs.length !== 1) throw new DocsInputError(`${doc}:${part.line}: a quick-table part renders one results file; name one in source=`);
  const [f] = withSources(inputs, part, doc);
  return [provenance([f!], doc), '', '```', formatTable(f!.results), '', formatTable(f!.results, COST_COLUMNS), '```'].join('\n');
};

const scaleTable: Renderer = (inputs, part, doc) => {
  const files = withSources(inputs, part, doc);
  const runs = selectRuns(
    files.flatMap((f) => f.results.runs),
    part,
  );
  const rows = runs.map((r) => SCALE_COLUMNS.map((c) => c.cell(r)));
  return [provenance(files, doc), '', markdownTable(SCALE_COLUMNS.map((c) => c.title), SCALE_COLUMNS.map((c) => c.numeric), rows)].join('\n');
};

// ---------------------------------------------------------------------------------------------------------------
// Sentences over the largest runs.

const ms = (n: number): string => `${n >= 1000 ? int(n) : fixed(n, 0)} ms`;

function runSentence(r: CompletedTransportRun, cpus: number): string {
  const m = r.messages;
  const loss = m.lost === 0 && m.duplicated === 0 && m.reordered === 0 ? 'nothing lost, duplicated or reordered' : `${int(m.lost)} lost, ${int(m.duplicated)} duplicated, ${int(m.reordered)} reordered`;
  const errors = Object.values(r.connect.errors).reduce((a, b) => a + b, 0);
  const parts = [
    `connected in ${fixed(r.connect.durationMs / 1000, 1)} s${r.connect.connected < r.clients ? ` (only ${int(r.connect.connected)})` : ''}` +
      (errors ? ` with ${int(errors)} connection errors` : ', no connection error'),
    `${int(m.delivered)} of ${int(m.expected)} messages delivered, ${loss}`,
    r.wire.matchesModel ? 'every byte equal to the model' : 'bytes differ from the model',
    `${r.pattern === 'staggered' ? 'staggered (each client due at its own phase): ' : ''}p50 ${ms(r.latencyMs.p50)}, **p99 ${ms(r.latencyMs.p99)}**, p99.9 ${ms(r.latencyMs.p999)}, slowest ${ms(r.latencyMs.max)}`,
  ];
  const srvMem = serverBytesPerConnection(r);
  const cliMem = clientBytesPerConnection(r);
  if (r.memory) {
    parts.push(
      `server memory per connection ${srvMem === null ? `not measured above its noise${r.memory.serverReason ? ` (${r.memory.serverReason})` : ''}` : `${int(srvMem)} B`}` +
        ` (clients ${cliMem === null ? 'within the noise' : `${int(cliMem)} B`})`,
    );
  }
  if (r.windowS > 0) parts.push(`server and clients used ${fixed((r.server.cpuSeconds + r.clientWorkers.cpuSeconds) / r.windowS, 2)} of the ${cpus} cores`);
  const notes = [
    sustainedNote(r),
    overloadNote(r),
    r.clientWorkers.saturated ? 'CLIENT SATURATED' : null,
    r.machine?.saturated ? `MACHINE SATURATED: ${r.machine.saturationReason}` : null,
  ].filter(Boolean);
  return `**${int(r.clients)} ${r.transport} clients**: ${parts.join('; ')}${notes.length ? ` (${notes.join(', ')})` : ''}.`;
}

const scaleSummary: Renderer = (inputs, part, doc) => {
  const files = withSources(inputs, part, doc);
  const lines: string[] = [];
  for (const f of files) {
    const warm = f.results.options.warmupS ? ` Latency after a ${f.results.options.warmupS} s warm-up.` : '';
    for (const r of selectRuns(f.results.runs, part)) {
      if (!completed(r)) lines.push(`- **${int(r.clients)} ${r.transport} clients**: errored (${r.error}).`);
      else lines.push(`- ${runSentence(r, f.results.environment.cpuCount)}${warm}`);
    }
  }
  return [provenance(files, doc), '', ...lines].join('\n');
};

/** p99 across every run of a client count in the sources: how far one run's figure can be trusted. */
const p99Range: Renderer = (inputs, part, doc) => {
  const files = withSources(inputs, part, doc);
  const limit = part.args.limitMs === undefined ? 1000 : Number(part.args.limitMs);
  const byTransport = new Map<string, number[]>();
  for (const f of files) {
    for (const r of selectRuns(f.results.runs, part)) {
      if (!completed(r) || r.connect.connected < r.clients) continue;
      byTransport.set(r.transport, [...(byTransport.get(r.transport) ?? []), r.latencyMs.p99]);
    }
  }
  const rows = [...byTransport].map(([t, xs]) => [t, String(xs.length), ms(Math.min(...xs)), ms(Math.max(...xs)), String(xs.filter((x) => x > limit).length)]);
  return [
    provenance(files, doc),
    '',
    markdownTable(['transport', 'runs', 'lowest p99', 'highest p99', `runs above ${int(limit)} ms`], [false, true, true, true, true], rows),
  ].join('\n');
};

/** The slowest delivery of the first second's messages against the slowest of every later second, per run. */
const firstBurst: Renderer = (inputs, part, doc) => {
  const files = withSources(inputs, part, doc);
  const rows: string[][] = [];
  for (const f of files) {
    for (const r of selectRuns(f.results.runs, part)) {
      const t = completed(r) ? r.latencyMs.overTime : undefined;
      if (!completed(r) || !t) continue;
      const later = t.maxMs.slice(1).filter((x): x is number => x !== null);
      rows.push([
        byTitle(COLUMNS, 'transport').cell(r),
        int(r.clients),
        t.maxMs[0] === null || t.maxMs[0] === undefined ? '–' : ms(t.maxMs[0]),
        later.length ? ms(Math.max(...later)) : '–',
        later.length ? ms(Math.min(...later)) : '–',
      ]);
    }
  }
  return [
    provenance(files, doc),
    '',
    markdownTable(['run', 'clients', 'slowest delivery, first second', 'slowest, later seconds (worst)', 'slowest, later seconds (best)'], [false, true, true, true, true], rows),
  ].join('\n');
};

// ---------------------------------------------------------------------------------------------------------------
// Capacity.

function capacityOf(f: { source: string; results: ResultsFile }, part: Part, doc: string) {
  if (!f.results.capacity) throw new DocsInputError(`${doc}:${part.line}: ${f.source} has no capacity section; name a results file written by pushbench capacity`);
  return f.results.capacity;
}

/** A completed run's steady-state judgement as the documents word it: sustained only when level and nothing was lost. */
function steadyVerdict(r: CompletedTransportRun): string {
  if (!r.steady) return 'not judged (older file)';
  if (r.steady.state === 'sustained') return r.messages.lost > 0 ? 'level but lossy' : '**sustained**';
  return r.steady.state === 'overloaded' ? '**OVERLOADED**' : 'not judged';
}

/**
 * A search over client counts, checked: the run (from a `pushbench run` file among the part's sources) that held a
 * transport's largest sustained count at least twice as long as the search's probes, judged as every run is.
 */
function capacityCheckCell(t: TransportCapacity, c: CapacityResults, checks: readonly TransportRun[]): string {
  const r = checks.find((x): x is CompletedTransportRun => x.state === 'completed' && x.transport === t.transport && x.clients === t.maxClients && x.windowS >= 2 * c.durationS);
  if (!r) return 'not checked';
  const verdict = steadyVerdict(r);
  const over = r.latencyMs.p99 > c.p99Ms ? `, over ${int(c.p99Ms)} ms` : '';
  return `${verdict} over ${int(r.windowS)} s (p99 ${ms(r.latencyMs.p99)}${over}${r.machine?.saturated ? ', machine saturated' : ''})`;
}

const capacityTable: Renderer = (inputs, part, doc) => {
  const all = withSources(inputs, part, doc);
  // Run files beside the capacity files are checks: each transport's capacity held twice as long.
  const files = all.filter((f) => f.results.capacity);
  const checks = all.filter((f) => !f.results.capacity).flatMap((f) => f.results.runs);
  // No capacity file among the sources: capacityOf refuses the first with its one-line reason.
  if (files.length === 0) capacityOf(all[0]!, part, doc);
  const out = [provenance(all, doc), ''];
  for (const f of files) {
    const c = capacityOf(f, part, doc);
    const check = checks.length > 0 && c.by !== 'rate';
    const rows = capacityRows(c).map((row, i) => [
      row[0] === 'short-polling' ? `short-polling (${c.intervalMs} ms)` : row[0]!,
      ...row.slice(1, -1),
      ...(check ? [capacityCheckCell(c.transports[i]!, c, checks)] : []),
      row.at(-1)!,
    ]);
    const base = capacityColumns(c);
    const columns = check ? [...base.slice(0, -1), 'held twice as long', base.at(-1)!] : base;
    out.push(markdownTable(columns, columns.map((_, i) => i > 0 && i < columns.length - (check ? 2 : 1)), rows), '');
  }
  return out.join('\n');
};

const capacityProbes: Renderer = (inputs, part, doc) => {
  const files = withSources(inputs, part, doc);
  const transports = part.args.transports?.split(',') ?? null;
  const rows: string[][] = [];
  // A search over the rate adds each probe's rate; the clients column stays (it is the count every probe held).
  const byRate = files.some((f) => capacityOf(f, part, doc).by === 'rate');
  for (const f of files) {
    for (const t of capacityOf(f, part, doc).transports) {
      if (transports && !transports.includes(t.transport)) continue;
      for (const s of t.steps) {
        const rate = byRate ? [s.rate === undefined ? '–' : formatRate(s.rate)] : [];
        rows.push([t.transport, int(s.clients), ...rate, s.p99Ms ? fixed(s.p99Ms, 1) : '–', int(s.lost), int(s.unconnected), s.ok ? 'passed' : 'FAILED', s.limitedBy ?? '']);
      }
    }
  }
  const titles = ['transport', 'clients', ...(byRate ? ['msg/s'] : []), 'p99 ms', 'lost', 'unconnected', 'probe', 'limited by / closest limit'];
  return [provenance(files, doc), '', markdownTable(titles, titles.map((t) => !['transport', 'probe', 'limited by / closest limit'].includes(t)), rows)].join('\n');
};

/** A search over the client count in one sentence: each transport's largest count and what ran out above it. */
function countCapacitySentence(c: CapacityResults): string {
  const each = c.transports.map((t) => {
    const name = t.transport === 'short-polling' ? `short polling every ${int(c.intervalMs)} ms` : t.transport;
    if (t.firstFailedClients === null) return `${name} at least ${int(t.maxClients)} (the most the search probed)`;
    return `${name} ${int(t.maxClients)} (${int(t.firstFailedClients)} failed: ${t.limitedBy})`;
  });
  return `Capacity at p99 ≤ ${int(c.p99Ms)} ms, nothing lost, every client connected${c.retries ? ', a failing count probed again' : ''}: ${each.join('; ')}.`;
}

/** A search over the per-client rate in one sentence: "100,000 clients sustained … websocket up to X msg/s each". */
export function rateCapacitySentence(c: CapacityResults): string {
  const each = c.transports.map((t) => {
    const max = t.maxRate ?? 0;
    const failed = t.firstFailedRate;
    if (max === 0) return `${t.transport} at no rate probed (${formatRate(failed ?? c.minRate ?? 0)} msg/s failed: ${t.limitedBy})`;
    if (failed === null || failed === undefined) return `${t.transport} up to at least ${formatRate(max)} msg/s each (the most the search probed)`;
    return `${t.transport} up to ${formatRate(max)} msg/s each (${formatRate(failed)} failed: ${t.limitedBy})`;
  });
  return (
    `${int(c.maxClients)} clients sustained at p99 ≤ ${int(c.p99Ms)} ms, latency level over ${int(c.durationS)} s, nothing lost, every client connected` +
    `${c.retries ? ', a failing rate probed again' : ''}: ${each.join('; ')}.`
  );
}

const capacitySummary: Renderer = (inputs, part, doc) => {
  const files = withSources(inputs, part, doc);
  const out: string[] = [];
  for (const f of files) {
    const c = capacityOf(f, part, doc);
    out.push(c.by === 'rate' ? rateCapacitySentence(c) : countCapacitySentence(c));
    const e = f.results.efficiency;
    if (e) {
      out.push(
        `The polling client sent ${int(e.pushbench.requestsPerCpuS)} requests per CPU second against autocannon's ${int(e.autocannon.requestsPerCpuS)} ` +
          `on the same server (${e.connections} connections, ${e.durationS} s each; ratio ${fixed(e.ratio, 2)}).`,
      );
    }
  }
  return [provenance(files, doc), '', out.join(' ')].join('\n');
};

/** The load generator against autocannon on the same server (`pushbench capacity` measures it first). */
const efficiency: Renderer = (inputs, part, doc) => {
  const files = withSources(inputs, part, doc);
  const out: string[] = [];
  for (const f of files) {
    const e = f.results.efficiency;
    if (!e) throw new DocsInputError(`${doc}:${part.line}: ${f.source} has no efficiency section; name a results file of pushbench capacity run without --no-efficiency`);
    out.push(
      `pushbench's short-polling client: ${int(e.pushbench.requestsPerCpuS)} requests per CPU second (${int(e.pushbench.requests)} requests in ${fixed(e.pushbench.cpuSeconds, 2)} CPU s); ` +
        `autocannon: ${int(e.autocannon.requestsPerCpuS)} (${int(e.autocannon.requests)} in ${fixed(e.autocannon.cpuSeconds, 2)} CPU s); ratio **${fixed(e.ratio, 3)}** ` +
        `(${e.connections} connections, ${e.durationS} s each, ${e.requestHeadBytes}-byte request heads` +
        (e.pairs ? `; completed responses counted for both, the median of ${e.pairs.length} pairs in alternating order, pairs ranging ${fixed(e.ratioLow ?? e.ratio, 3)} to ${fixed(e.ratioHigh ?? e.ratio, 3)}` : '; requests sent counted for pushbench, an older method') +
        ').' +
        (e.websocket
          ? ` pushbench's WebSocket client against ${e.websocket.other}, ${e.websocket.connections} connections receiving ${int(e.websocket.messages)} broadcast messages each: ` +
            `ratio **${fixed(e.websocket.ratio, 3)}** in messages per CPU second (median of ${e.websocket.pairs.length} pairs, ${fixed(e.websocket.ratioLow, 3)} to ${fixed(e.websocket.ratioHigh, 3)}).`
          : ''),
    );
  }
  return [provenance(files, doc), '', ...out].join('\n');
};

// ---------------------------------------------------------------------------------------------------------------
// The kaazing study: its whole report.

const kaazing: Renderer = (inputs, part, doc) => {
  if (inputs.length !== 1 || inputs[0]!.kind !== 'kaazing') {
    throw new DocsInputError(`${doc}:${part.line}: the kaazing part renders one kaazing results file (the one pushbench kaazing wrote, with "study": "kaazing")`);
  }
  return renderKaazingReport(inputs[0]!.results as KaazingResults).replace(/\n+$/, '');
};

/**
 * The study's 2026 section: the article's figures (from the kaazing results file named first) beside run results
 * files measured with today's protocols (`pushbench modern`'s clear-text, TLS and HTTP/2 files).
 */
const kaazing2026: Renderer = (inputs, part, doc) => {
  const [first, ...rest] = inputs;
  if (!first || first.kind !== 'kaazing' || rest.length === 0) {
    throw new DocsInputError(`${doc}:${part.line}: the kaazing-2026 part needs the kaazing results file first (for the article's figures), then one or more results files of pushbench run or modern`);
  }
  const files = withSources(rest, part, doc);
  const clients = part.args.clients?.split(',').map(Number);
  return [provenance(files, doc), '', renderKaazing2026((first.results as KaazingResults).article, files.map((f) => f.results), clients)].join('\n');
};

/** The server comparison (embedded, nchan, Socket.IO) over its results files: the whole of reports/servers.md. */
const servers: Renderer = (inputs, part, doc) => renderServerComparison(withSources(inputs, part, doc).map((f) => f.results)).replace(/\n+$/, '');

/**
 * What the machine sustained: one row per transport, one column per client count, each cell the run's own verdict
 * (sustained, OVERLOADED, losses, not judged) and its p99. The README's plain answer, from the runs alone.
 */
const sustained: Renderer = (inputs, part, doc) => {
  const files = withSources(inputs, part, doc);
  const runs = selectRuns(files.flatMap((f) => f.results.runs), part);
  const counts = [...new Set(runs.map((r) => r.clients))].sort((a, b) => a - b);
  const transports = [...new Set(runs.map((r) => r.transport))];
  const cell = (r: TransportRun | undefined): string => {
    if (!r) return 'not run';
    if (r.state !== 'completed') return `errored: ${r.error}`;
    const p99 = `p99 ${ms(r.latencyMs.p99)}`;
    const lost = r.messages.lost > 0 ? `, ${int(r.messages.lost)} of ${int(r.messages.expected)} lost` : '';
    const verdict = steadyVerdict(r);
    const machine = r.machine?.saturated ? ', machine saturated' : '';
    return `${verdict} (${p99}${lost}${machine})`;
  };
  const rows = transports.map((t) => [t, ...counts.map((c) => cell(runs.find((r) => r.transport === t && r.clients === c)))]);
  return [provenance(files, doc), '', markdownTable(['transport', ...counts.map((c) => `${int(c)} clients`)], [false, ...counts.map(() => false)], rows)].join('\n');
};

/** Runs grouped by transport and client count (the repeats of one measurement), in the order first seen. */
function byTransportAndCount(runs: readonly CompletedTransportRun[]): CompletedTransportRun[][] {
  const groups = new Map<string, CompletedTransportRun[]>();
  for (const r of runs) {
    const key = `${r.transport} ${r.clients}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()];
}

/**
 * How far each transport's server and clients are from the floor: per transport and client count, the median over the
 * runs of CPU per message and of its multiple of the floor (`cpuFloor`, recorded by each run), their range, and whether
 * the median is within the part's targets (`serverMax=1.1 clientMax=1.2`). Runs that hold no floor ratio are left out.
 */
const floorRatios: Renderer = (inputs, part, doc) => {
  const files = withSources(inputs, part, doc);
  const target = (key: string): number | null => {
    const v = part.args[key];
    if (v === undefined) return null;
    const n = Number(v);
    if (!(n > 0)) throw new DocsInputError(`${doc}:${part.line}: ${key}=${v} is not a positive multiple of the floor (e.g. ${key}=1.2)`);
    return n;
  };
  const targets = { server: target('serverMax'), clients: target('clientMax') };
  const runs = selectRuns(files.flatMap((f) => f.results.runs), part).filter(completed).filter((r) => r.cpuFloor);
  if (runs.length === 0) throw new DocsInputError(`${doc}:${part.line}: no completed run in ${part.sources.join(', ')} holds a floor ratio (cpuFloor); measure them with a floor file present`);
  const x = (n: number): string => `${fixed(n, 2)}×`;
  const spread = (xs: number[]): string => (xs.length > 1 ? `${fixed(Math.min(...xs), 2)}–${fixed(Math.max(...xs), 2)}` : '-');
  const verdict = (m: number, t: number | null): string => (t === null ? '' : m <= t ? ` (within ${fixed(t, 1)}×)` : ` (**above ${fixed(t, 1)}×**)`);
  // A median on one side of a target with runs on the other is not a verdict the noise allows: said in the last column.
  const straddles = (xs: number[], t: number | null): boolean => t !== null && xs.length > 1 && Math.min(...xs) <= t && Math.max(...xs) > t;
  const rows = byTransportAndCount(runs).map((g) => {
    const first = g[0]!;
    const cf = (r: CompletedTransportRun) => r.cpuFloor!;
    const server = g.map((r) => cf(r).serverRatio).filter((v): v is number => v != null);
    const clients = g.map((r) => cf(r).clientRatio).filter((v): v is number => v != null);
    const f = cf(first);
    // The floor point each side was held against: one point when the run matched a spread point, else each side's own.
    const point =
      f.serverFloorConnections === f.clientFloorConnections
        ? `${int(f.serverFloorConnections)} sockets, ${f.serverFloorProcesses ?? 1} + ${f.clientFloorProcesses ?? 1}`
        : `${int(f.serverFloorConnections)} / ${int(f.clientFloorConnections)} sockets, 1 + 1`;
    return [
      first.transport,
      int(first.clients),
      String(g.length),
      point,
      fixed(median(g.map((r) => r.server.cpuSecondsPerMessage * 1e6)), 2),
      fixed(median(g.map((r) => cf(r).serverFloorUsPerMessage)), 2),
      server.length ? x(median(server)) + verdict(median(server), targets.server) : '-',
      spread(server),
      fixed(median(g.map((r) => (r.clientWorkers.cpuSeconds / r.messages.delivered) * 1e6)), 2),
      fixed(median(g.map((r) => cf(r).clientFloorUsPerMessage)), 2),
      clients.length ? x(median(clients)) + verdict(median(clients), targets.clients) : '-',
      spread(clients),
      g.length < 2
        ? 'one run'
        : [straddles(server, targets.server) ? 'server' : '', straddles(clients, targets.clients) ? 'clients' : ''].filter(Boolean).join(', ') || '-',
    ];
  });
  const floors = [...new Set(runs.map((r) => r.cpuFloor!.file))];
  return [
    provenance(files, doc),
    '',
    `Each run is held against the floor file it found (${floors.map((f) => `\`${path.posix.basename(f)}\``).join(', ')}); ` +
      `the floor's sender for the server, its receiver for the clients, at the point in the floor point column: its sockets, and its senders + receivers ` +
      `(two socket counts: the one-process points nearest each side's per-process count).`,
    '',
    markdownTable(
      ['transport', 'clients', 'runs', 'floor point', 'server µs/msg', 'floor sender µs', 'server × floor', 'range', 'clients µs/msg', 'floor receiver µs', 'clients × floor', 'range', 'runs on both sides of the target'],
      [false, true, true, false, true, true, false, false, true, true, false, false, false],
      rows,
    ),
  ].join('\n');
};

/**
 * Which part of a distance from the floor is user time and which kernel time: per transport and client count, for the
 * server and the clients, the medians over the runs of user and system CPU per message beside the floor point's own
 * (each run records its split and its floor's). Runs without them (files from before they were recorded) are left out.
 * The total is exact; the split is the kernel's sampled accounting (getrusage), good to a few tenths of a microsecond.
 */
const floorSplit: Renderer = (inputs, part, doc) => {
  const files = withSources(inputs, part, doc);
  const runs = selectRuns(files.flatMap((f) => f.results.runs), part)
    .filter(completed)
    .filter((r) => r.cpuFloor?.clientFloorUserUs !== undefined && r.server.userSeconds !== undefined && r.clientWorkers.userSeconds !== undefined && r.messages.delivered > 0);
  if (runs.length === 0) {
    throw new DocsInputError(`${doc}:${part.line}: no completed run in ${part.sources.join(', ')} records its user/system split beside its floor's; measure them again with this version`);
  }
  const us = (r: CompletedTransportRun, seconds: number): number => (seconds / r.messages.delivered) * 1e6;
  const m = (g: CompletedTransportRun[], f: (r: CompletedTransportRun) => number): string => fixed(median(g.map(f)), 2);
  const rows = byTransportAndCount(runs).flatMap((g) => {
    const first = g[0]!;
    const cf = (r: CompletedTransportRun) => r.cpuFloor!;
    return [
      [first.transport, int(first.clients), String(g.length), 'server', m(g, (r) => us(r, r.server.userSeconds!)), m(g, (r) => cf(r).serverFloorUserUs!), m(g, (r) => us(r, r.server.systemSeconds!)), m(g, (r) => cf(r).serverFloorSystemUs!)],
      [first.transport, int(first.clients), String(g.length), 'clients', m(g, (r) => us(r, r.clientWorkers.userSeconds!)), m(g, (r) => cf(r).clientFloorUserUs!), m(g, (r) => us(r, r.clientWorkers.systemSeconds!)), m(g, (r) => cf(r).clientFloorSystemUs!)],
    ];
  });
  return [
    provenance(files, doc),
    '',
    'CPU per message split into user time (the process\'s own code, Node and V8) and system time (the kernel, for it), ' +
      `medians over the runs, beside the same split of the floor point each run was held against in ${[...new Set(runs.map((r) => `\`${path.posix.basename(r.cpuFloor!.file)}\``))].join(', ')} ` +
      '(its sender for the server, its receiver for the clients).',
    '',
    markdownTable(
      ['transport', 'clients', 'runs', 'side', 'user µs/msg', 'floor user µs', 'system µs/msg', 'floor system µs'],
      [false, true, true, false, true, true, true, true],
      rows,
    ),
  ].join('\n');
};

/** Where a floor file's figures come from: which file, when, on what machine. */
function floorProvenance(source: string, f: FloorResults, doc: string): string {
  return (
    `*Generated by \`pushbench docs\` from [\`${path.basename(source)}\`](${path.relative(path.dirname(doc), source)}): ` +
    `\`pushbench floor\` (${f.durationS} s at ${f.rate} frame/s, ${f.frameBytes}-byte frames) on ${f.startedAt.slice(0, 10)} (${f.startedAt.slice(11, 16)} UTC${f.environment.commit ? `, commit ${f.environment.commit.slice(0, 12)}` : ''}). ` +
    `Machine: ${f.environment.cpuModel}, ${f.environment.cpuCount} cores, Node ${f.environment.node}.*`
  );
}

/** The machine's floor (`pushbench floor`): CPU per message of a bare sender and receiver, one row per count. */
const floor: Renderer = (inputs, part, doc) => {
  const out: string[] = [];
  for (const i of inputs) {
    if (i.kind !== 'floor') throw new DocsInputError(`${doc}:${part.line}: the floor part renders pushbench floor results files; ${i.source} is not one`);
    out.push(floorProvenance(i.source, i.results, doc), '', formatFloorTable(i.results));
  }
  return out.join('\n');
};

// ---------------------------------------------------------------------------------------------------------------
// Sizing: the cores N clients at R messages per second need, from measured CPU per message and the floor.

/** One row of the sizing table: CPU per delivered message, and the cores it comes to at the target load. */
export interface SizingRow {
  /** A transport, or `floor` (the bare sender and receiver). */
  name: string;
  /** Clients of the runs the costs were measured in (absent for the floor: its connection count is `floorConnections`). */
  measuredClients?: number;
  serverUsPerMessage: number;
  generatorUsPerMessage: number;
  serverCores: number;
  generatorCores: number;
  /** serverCores + generatorCores. */
  cores: number;
  /** cores over the floor's cores at the same load. */
  xFloor: number;
}

export interface Sizing {
  clients: number;
  rate: number;
  /** Deliveries per second: clients × rate. */
  messagesPerS: number;
  floorConnections: number;
  floor: SizingRow;
  rows: SizingRow[];
}

/**
 * Cores = clients × rate × CPU µs per delivered message ÷ 10^6, for the server and for the load generator, from the
 * runs' own CPU over their own deliveries (every completed run of a transport pooled: total CPU ÷ total delivered),
 * and for the floor from its point with the most connections (a bare sender for the server, a bare receiver for the
 * generator). An average: a burst still needs headroom above it to be delivered within its latency bound.
 */
export function sizing(runs: readonly TransportRun[], floorFile: FloorResults, clients: number, rate: number): Sizing {
  const ref = floorReference(floorFile);
  if (!ref) throw new RangeError('the floor file has no points');
  const messagesPerS = clients * rate;
  const coresAt = (us: number): number => (messagesPerS * us) / 1e6;
  const floorCores = coresAt(ref.senderUsPerMessage) + coresAt(ref.receiverUsPerMessage);
  const row = (name: string, serverUs: number, generatorUs: number, measuredClients?: number): SizingRow => {
    const serverCores = coresAt(serverUs);
    const generatorCores = coresAt(generatorUs);
    return {
      name,
      ...(measuredClients !== undefined ? { measuredClients } : {}),
      serverUsPerMessage: serverUs,
      generatorUsPerMessage: generatorUs,
      serverCores,
      generatorCores,
      cores: serverCores + generatorCores,
      xFloor: floorCores > 0 ? (serverCores + generatorCores) / floorCores : NaN,
    };
  };
  const byTransport = new Map<string, CompletedTransportRun[]>();
  for (const r of runs) if (completed(r) && r.messages.delivered > 0) byTransport.set(r.transport, [...(byTransport.get(r.transport) ?? []), r]);
  const rows = [...byTransport].map(([t, rs]) => {
    const delivered = rs.reduce((a, r) => a + r.messages.delivered, 0);
    const server = rs.reduce((a, r) => a + r.server.cpuSeconds, 0);
    const generator = rs.reduce((a, r) => a + r.clientWorkers.cpuSeconds, 0);
    const counts = [...new Set(rs.map((r) => r.clients))];
    return row(t, (server / delivered) * 1e6, (generator / delivered) * 1e6, counts.length === 1 ? counts[0] : undefined);
  });
  return { clients, rate, messagesPerS, floorConnections: ref.connections, floor: row('floor', ref.senderUsPerMessage, ref.receiverUsPerMessage), rows };
}

/** `sizing source=FLOOR.json,RUN.json clients=100000 rate=1 [transports=a,b]`: what N clients at R msg/s need. */
const sizingPart: Renderer = (inputs, part, doc) => {
  const floors = inputs.filter((i): i is Extract<DocInput, { kind: 'floor' }> => i.kind === 'floor');
  const runs = inputs.filter((i): i is Extract<DocInput, { kind: 'run' }> => i.kind === 'run');
  if (floors.length !== 1 || runs.length !== 1 || inputs.length !== 2) {
    throw new DocsInputError(`${doc}:${part.line}: the sizing part reads one pushbench floor file and one results file; name both in source=`);
  }
  const fl = floors[0]!;
  const run = runs[0]!;
  const number = (key: string, fallback: number): number => {
    const v = part.args[key] === undefined ? fallback : Number(part.args[key]);
    if (!(Number.isFinite(v) && v > 0)) throw new DocsInputError(`${doc}:${part.line}: ${key}=${part.args[key]} is not a number above 0; write e.g. ${key}=${fallback}`);
    return v;
  };
  const clients = number('clients', 100_000);
  const rate = number('rate', 1);
  if (fl.results.environment.cpuModel !== run.results.environment.cpuModel) {
    throw new DocsInputError(
      `${doc}:${part.line}: ${fl.source} was measured on ${fl.results.environment.cpuModel} and ${run.source} on ${run.results.environment.cpuModel}; size from a floor and runs of the same CPU`,
    );
  }
  const transports = part.args.transports?.split(',') ?? null;
  const s = sizing(run.results.runs.filter((r) => !transports || transports.includes(r.transport)), fl.results, clients, rate);
  if (s.rows.length === 0) throw new DocsInputError(`${doc}:${part.line}: ${run.source} has no completed run${transports ? ` of ${transports.join(', ')}` : ''} to size from`);
  const us = (n: number): string => fixed(n, 1);
  const cores = (n: number): string => fixed(n, 2);
  const load = `${int(clients)} clients × ${formatRate(rate)} msg/s = ${int(s.messagesPerS)} deliveries/s`;
  const first = s.rows.find((r) => r.name === 'websocket') ?? s.rows[0]!;
  const rows = [
    ...s.rows.map((r) => [
      r.name,
      r.measuredClients === undefined ? 'several' : int(r.measuredClients),
      us(r.serverUsPerMessage),
      us(r.generatorUsPerMessage),
      cores(r.serverCores),
      cores(r.generatorCores),
      cores(r.cores),
      fixed(r.xFloor, 2),
    ]),
    [
      'floor (bare sender + receiver)',
      `${int(s.floorConnections)} sockets`,
      us(s.floor.serverUsPerMessage),
      us(s.floor.generatorUsPerMessage),
      cores(s.floor.serverCores),
      cores(s.floor.generatorCores),
      cores(s.floor.cores),
      '1.00',
    ],
  ];
  return [
    floorProvenance(fl.source, fl.results, doc),
    '',
    provenance([{ source: run.source, results: run.results }], doc),
    '',
    `**cores = clients × messages per second per client × CPU µs per delivered message ÷ 1,000,000**, for the server ` +
      `and for the load generator apart. Here ${load}; ${first.name}'s server: ${int(clients)} × ${formatRate(rate)} × ${us(first.serverUsPerMessage)} µs ÷ 10⁶ = ` +
      `**${cores(first.serverCores)} cores**, its generator: ${int(clients)} × ${formatRate(rate)} × ${us(first.generatorUsPerMessage)} µs ÷ 10⁶ = **${cores(first.generatorCores)} cores**. ` +
      `The floor is what the same deliveries cost bare Node on this CPU (a sender writing one prepared frame per socket, a receiver reading it, ` +
      `at ${int(s.floorConnections)} sockets each): ${int(clients)} × ${formatRate(rate)} × (${us(s.floor.serverUsPerMessage)} + ${us(s.floor.generatorUsPerMessage)}) µs ÷ 10⁶ = ` +
      `**${cores(s.floor.cores)} cores** together. The machine measured has ${run.results.environment.cpuCount} cores.`,
    '',
    markdownTable(
      ['transport', 'measured at clients', 'server µs/msg', 'generator µs/msg', 'server cores', 'generator cores', 'cores together', '× floor'],
      [false, true, true, true, true, true, true, true],
      rows,
    ),
  ].join('\n');
};

const RENDERERS: Record<string, Renderer> = {
  'quick-table': quickTable,
  floor,
  'floor-ratios': floorRatios,
  'floor-split': floorSplit,
  sustained,
  servers,
  'scale-table': scaleTable,
  'scale-summary': scaleSummary,
  'p99-range': p99Range,
  'first-burst': firstBurst,
  'capacity-table': capacityTable,
  'capacity-probes': capacityProbes,
  'capacity-summary': capacitySummary,
  sizing: sizingPart,
  efficiency,
  kaazing,
  'kaazing-2026': kaazing2026,
  'fault-table': (inputs, part, doc) => {
    const files = runResults(inputs, part, doc);
    return provenance(inputs.map((i, k) => ({ source: i.source, results: files[k]! })), doc) + '\n\n' + renderFaultTables(files);
  },
  'fault-summary': (inputs, part, doc) => {
    const files = runResults(inputs, part, doc);
    return provenance(inputs.map((i, k) => ({ source: i.source, results: files[k]! })), doc) + '\n\n' + renderFaultSummary(files);
  },
};

/** The kinds of generated part, for the command's help. */
export const PART_KINDS: string[] = Object.keys(RENDERERS);
