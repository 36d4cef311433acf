/**
 * `pushbench kaazing`: websocket.org's 871-vs-2 table and 3:1 latency claim, measured (harness/studies/kaazing/).
 * Parses the flags over the study's scenario, runs the study, writes its results file and renders
 * reports/kaazing.md from it. `pushbench kaazing --render FILE` only re-renders the Markdown from an existing file.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { readJsonFile } from '../data-files.js';
import { EXIT, UsageError } from '../errors.js';
import { loadProfile } from '../protocol/profiles.js';
import { loadKaazingScenario, type KaazingScenario } from '../studies/kaazing/scenario.js';
import { runKaazingStudy } from '../studies/kaazing/study.js';
import { writeFileAtomic } from '../../results/io.js';
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
}

export const summary = "websocket.org's 871-vs-2 table and 3:1 latency claim, measured: pushbench kaazing [flags]";

const USAGE =
  'usage: pushbench kaazing [--profiles a,b] [--cases A,B,C] [--measure-up-to N] [--transports t1,t2] [--duration S] [--delay-ms MS] [--no-latency | --latency-only] [--json FILE] [--report FILE] | --render FILE';

function list(flag: string, v: string | undefined): string[] {
  if (!v || v.startsWith('--')) throw new UsageError(`${flag} needs a comma-separated list (${USAGE})`);
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}

function positive(flag: string, v: string | undefined): number {
  const n = Number(v);
  if (v === undefined || !Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} needs a positive number, got ${JSON.stringify(v ?? '')}`);
  return n;
}

/** Parses and checks the flags against the scenario, before anything starts. */
export function parseKaazingArgs(argv: string[], scenario: KaazingScenario): KaazingArgs {
  const a: KaazingArgs = {
    help: false,
    render: null,
    profiles: null,
    cases: null,
    measureUpTo: null,
    transports: null,
    durationS: null,
    latency: true,
    latencyOnly: false,
    delayMs: null,
    jsonFile: path.join('results', 'kaazing.json'),
    reportFile: path.join('reports', 'kaazing.md'),
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const next = (): string | undefined => argv[++i];
    switch (flag) {
      case '--render': {
        const v = next();
        if (!v) throw new UsageError(`--render needs a kaazing results file (${USAGE})`);
        a.render = v;
        break;
      }
      case '--profiles':
        a.profiles = list(flag, next());
        for (const p of a.profiles) loadProfile(p);
        break;
      case '--cases': {
        a.cases = list(flag, next()).map((c) => c.toUpperCase());
        const known = scenario.useCases.map((u) => u.useCase);
        for (const c of a.cases) if (!known.includes(c)) throw new UsageError(`unknown use case "${c}"; the scenario has ${known.join(', ')}`);
        break;
      }
      case '--measure-up-to': {
        const raw = next();
        const n = Number(raw);
        if (!Number.isInteger(n) || n < 1) throw new UsageError(`--measure-up-to must be a whole number of clients, got ${JSON.stringify(raw)}`);
        a.measureUpTo = n;
        break;
      }
      case '--transports': {
        const ts = list(flag, next());
        for (const t of ts) if (!(TRANSPORT_NAMES as readonly string[]).includes(t)) throw new UsageError(`unknown transport "${t}"; choose from ${TRANSPORT_NAMES.join(', ')}`);
        a.transports = ts as TransportName[];
        break;
      }
      case '--duration':
        a.durationS = positive(flag, next());
        break;
      case '--delay-ms':
        a.delayMs = positive(flag, next());
        break;
      case '--no-latency':
        a.latency = false;
        break;
      case '--latency-only':
        a.latencyOnly = true;
        break;
      case '--json': {
        const v = next();
        if (!v) throw new UsageError(`--json needs a file name (${USAGE})`);
        a.jsonFile = v;
        break;
      }
      case '--report': {
        const v = next();
        if (!v) throw new UsageError(`--report needs a file name (${USAGE})`);
        a.reportFile = v;
        break;
      }
      case '--help':
      case '-h':
        a.help = true;
        break;
      default:
        throw new UsageError(`unknown argument "${flag}" (${USAGE})`);
    }
  }
  if (a.latencyOnly && !a.latency) throw new UsageError('--latency-only and --no-latency contradict each other; pick one');
  return a;
}

/** The whole report is one generated part over `source`, so `pushbench docs` re-renders it the same way. */
function render(results: KaazingResults, reportFile: string, source: string): void {
  writeFileAtomic(reportFile, renderKaazingDocument(results, path.relative(process.cwd(), path.resolve(source)).split(path.sep).join('/')));
  process.stderr.write(`wrote ${reportFile}\n`);
}

export async function main(argv: string[]): Promise<number> {
  const scenario = loadKaazingScenario();
  const args = parseKaazingArgs(argv, scenario);
  if (args.help) {
    process.stdout.write(USAGE + '\n');
    return EXIT.ok;
  }
  if (args.render) {
    const cannot = (e: Error): string => `cannot read kaazing results ${args.render}: ${e.message.split('\n')[0]}`;
    const results = readJsonFile(args.render, { unreadable: cannot, invalid: cannot }) as KaazingResults;
    if (results?.study !== 'kaazing') throw new UsageError(`${args.render} is not a kaazing results file (no "study": "kaazing"); pass the file \`pushbench kaazing\` wrote`);
    render(results, args.reportFile, args.render);
    return EXIT.ok;
  }
  const resultsDir = path.dirname(path.resolve(args.jsonFile));
  for (const dir of [resultsDir, path.dirname(path.resolve(args.reportFile))]) if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
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
  });
  writeFileAtomic(args.jsonFile, JSON.stringify(results, null, 2) + '\n');
  process.stderr.write(`wrote ${args.jsonFile}\n`);
  render(results, args.reportFile, args.jsonFile);
  return failed ? EXIT.failed : EXIT.ok;
}
