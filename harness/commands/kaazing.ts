/**
 * `pushbench kaazing`: websocket.org's 871-vs-2 table and 3:1 latency claim, measured (harness/studies/kaazing/).
 * Parses the flags over the study's scenario, runs the study, writes its results file and renders
 * reports/kaazing.md from it. `pushbench kaazing --render FILE` only re-renders the Markdown from an existing file.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EXIT, UsageError } from '../errors.js';
import { formatHelp, parseOptions, type OptionTable } from '../options.js';
import { loadProfile } from '../protocol/profiles.js';
import { loadKaazingScenario, type KaazingScenario } from '../studies/kaazing/scenario.js';
import { runKaazingStudy } from '../studies/kaazing/study.js';
import { readCapacityLimits } from '../studies/kaazing/capacity.js';
import { prepareOutputFile, writeFileAtomic } from '../../results/io.js';
import { readFile } from '../../results/read.js';
import { TRANSPORT_NAMES, type TransportName } from '../../results/types.js';
import type { KaazingResults } from '../../reports/kaazing.js';
import { renderKaazingDocument } from '../../reports/docs.js';

/** What the command line asked for, over the scenario. */
export interface KaazingArgs {
  help: boolean;
  render: string | null;
  profiles: string[] | null;
  cases: string[] | null;
  /** Use cases with more clients than this are extrapolated instead of measured (null: measure all the plan allows). */
  measureUpTo: number | null;
  transports: TransportName[] | null;
  durationS: number | null;
  latency: boolean;
  latencyOnly: boolean;
  delayMs: number | null;
  jsonFile: string;
  reportFile: string;
  /** `pushbench capacity` results files: polling transports are not run above the count they sustained. */
  capacity: string[];
}

export const summary = "websocket.org's 871-vs-2 table and 3:1 latency claim, measured: pushbench kaazing [flags]";

const OPTIONS: OptionTable = {
  '--profiles': { key: 'profiles', spec: { kind: 'list' }, help: 'header profiles to measure', value: 'LIST', default: "the scenario's" },
  '--cases': { key: 'cases', spec: { kind: 'list' }, help: 'use cases to run (A 1,000, B 10,000, C 100,000 clients)', value: 'LIST', default: 'A,B,C' },
  '--measure-up-to': { key: 'measureUpTo', spec: { kind: 'string' }, help: 'extrapolate use cases with more clients instead of measuring them', value: 'N', default: 'all the plan allows' },
  '--transports': { key: 'transports', spec: { kind: 'list' }, help: 'comma-separated transport names', short: '-t', value: 'LIST', default: "the scenario's" },
  '--duration': { key: 'durationS', spec: { kind: 'string' }, help: 'seconds of publishing per run', short: '-d', value: 'S', default: "the scenario's" },
  '--delay-ms': { key: 'delayMs', spec: { kind: 'string' }, help: 'one-way delay of the latency proxy', value: 'MS', default: "the scenario's" },
  '--latency': { key: 'latency', spec: { kind: 'bool' }, help: 'measure the 3:1 latency claim (--no-latency: skip it)', default: true },
  '--latency-only': { key: 'latencyOnly', spec: { kind: 'bool' }, help: 'measure only the latency claim' },
  '--capacity': {
    key: 'capacity',
    spec: { kind: 'list' },
    help: 'pushbench capacity results files: a polling transport is not run in a use case above the client count its search sustained',
    value: 'FILES',
  },
  '--json': { key: 'jsonFile', spec: { kind: 'string' }, help: 'results file', short: '-j', value: 'FILE', default: path.join('results', 'kaazing.json') },
  '--report': { key: 'reportFile', spec: { kind: 'string' }, help: 'Markdown report', value: 'FILE', default: path.join('reports', 'kaazing.md') },
  '--render': { key: 'render', spec: { kind: 'string' }, help: 'only re-render the report from a kaazing results file', value: 'FILE' },
};

export function help(): string {
  return formatHelp({
    usage: 'pushbench kaazing [options]',
    description:
      "Measures websocket.org's 871-vs-2 table (every header profile × use case × transport) and the 3:1 latency\n" +
      'claim through a delay proxy, writes one results file and renders the Markdown report from it.',
    table: OPTIONS,
    examples: ['pushbench kaazing --cases A --duration 5', 'pushbench kaazing --capacity results/capacity.json', 'pushbench kaazing --latency-only', 'pushbench kaazing --render results/kaazing.json'],
  });
}

function positive(flag: string, v: string | undefined): number {
  const n = Number(v);
  if (v === undefined || !Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} needs a positive number, got ${JSON.stringify(v ?? '')}`);
  return n;
}

/** Parses and checks the flags against the scenario, before anything starts. */
export function parseKaazingArgs(argv: string[], scenario: KaazingScenario): KaazingArgs {
  const { values: v, positionals, help } = parseOptions(OPTIONS, argv, 'kaazing');
  if (positionals.length > 0) throw new UsageError(`unknown argument "${positionals[0]}"; see pushbench kaazing --help`);
  const a: KaazingArgs = {
    help,
    render: (v.render as string | undefined) ?? null,
    profiles: (v.profiles as string[] | undefined) ?? null,
    cases: null,
    measureUpTo: null,
    transports: null,
    durationS: v.durationS !== undefined ? positive('--duration', v.durationS as string) : null,
    latency: v.latency !== false,
    latencyOnly: v.latencyOnly === true,
    delayMs: v.delayMs !== undefined ? positive('--delay-ms', v.delayMs as string) : null,
    jsonFile: (v.jsonFile as string | undefined) ?? path.join('results', 'kaazing.json'),
    reportFile: (v.reportFile as string | undefined) ?? path.join('reports', 'kaazing.md'),
    capacity: (v.capacity as string[] | undefined) ?? [],
  };
  for (const p of a.profiles ?? []) loadProfile(p);
  if (v.cases) {
    a.cases = (v.cases as string[]).map((c) => c.toUpperCase());
    const known = scenario.useCases.map((u) => u.useCase);
    for (const c of a.cases) if (!known.includes(c)) throw new UsageError(`unknown use case "${c}"; the scenario has ${known.join(', ')}`);
  }
  if (v.measureUpTo !== undefined) {
    const raw = v.measureUpTo as string;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--measure-up-to must be a whole number of clients, got ${JSON.stringify(raw)}`);
    a.measureUpTo = n;
  }
  if (v.transports) {
    const ts = v.transports as string[];
    for (const t of ts) if (!(TRANSPORT_NAMES as readonly string[]).includes(t)) throw new UsageError(`unknown transport "${t}"; choose from ${TRANSPORT_NAMES.join(', ')}`);
    a.transports = ts as TransportName[];
  }
  if (a.latencyOnly && !a.latency) throw new UsageError('--latency-only and --no-latency contradict each other; pick one');
  return a;
}

/**
 * The report's study part is one generated part over `source`, so `pushbench docs` re-renders it the same way. An
 * existing report keeps whatever follows that part (the 2026 section is a part of its own, over other files).
 */
function render(results: KaazingResults, reportFile: string, source: string): void {
  writeFileAtomic(reportFile, replaceStudyPart(existing(reportFile), renderKaazingDocument(results, path.relative(process.cwd(), path.resolve(source)).split(path.sep).join('/'))));
  process.stderr.write(`wrote ${reportFile}\n`);
}

function existing(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** `old` with its kaazing part replaced by `part` (a whole begin…end block); `part` alone when `old` has none. Exported for tests. */
export function replaceStudyPart(old: string | null, part: string): string {
  const begin = old?.indexOf('<!-- pushbench:begin kaazing ') ?? -1;
  if (old === null || begin < 0) return part;
  const endMarker = '<!-- pushbench:end -->';
  const end = old.indexOf(endMarker, begin);
  if (end < 0) return part;
  return old.slice(0, begin) + part.replace(/\n+$/, '') + old.slice(end + endMarker.length);
}

export async function main(argv: string[]): Promise<number> {
  const scenario = loadKaazingScenario();
  const args = parseKaazingArgs(argv, scenario);
  if (args.help) {
    process.stdout.write(help());
    return EXIT.ok;
  }
  if (args.render) {
    // Through the one validating reader: old (study + version) and new (kind + schemaVersion) files both read.
    const results = readFile(args.render, ['kaazing']);
    prepareOutputFile(args.reportFile, '--report');
    render(results, args.reportFile, args.render);
    return EXIT.ok;
  }
  // Capacity files are read and checked before anything starts; so are both outputs (folders created, a probe written).
  const capacity = args.capacity.length
    ? readCapacityLimits(args.capacity, { rate: scenario.rate, payloadBytes: scenario.payloadBytes, intervalMs: scenario.intervalMs }, (line) => process.stderr.write(line + '\n'))
    : undefined;
  const resultsDir = path.dirname(prepareOutputFile(args.jsonFile, '--json'));
  prepareOutputFile(args.reportFile, '--report');
  const { results, failed } = await runKaazingStudy(scenario, {
    profiles: args.profiles ?? scenario.profiles,
    useCases: scenario.useCases.filter((u) => !args.cases || args.cases.includes(u.useCase)),
    transports: args.transports ?? scenario.transports,
    durationS: args.durationS ?? scenario.durationS,
    measureUpTo: args.measureUpTo,
    latency: args.latency,
    latencyOnly: args.latencyOnly,
    delayMs: args.delayMs ?? scenario.latency.delayMs,
    resultsDir,
    command: ['pushbench kaazing', ...argv].join(' '),
    ...(capacity ? { capacity } : {}),
  });
  writeFileAtomic(args.jsonFile, JSON.stringify(results, null, 2) + '\n');
  process.stderr.write(`wrote ${args.jsonFile}\n`);
  render(results, args.reportFile, args.jsonFile);
  return failed ? EXIT.failed : EXIT.ok;
}
