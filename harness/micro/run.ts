/**
 * `npm run bench:micro`: runs the micro-benchmark tasks with tinybench in interleaved rounds and writes a
 * MicroResultsFile that `pushbench compare` judges like a repeated run. Recorded, never asserted.
 *
 * Why rounds: the iterations inside one tinybench run are not independent (same JIT state, same noisy minute),
 * so a significance test over them would call every wobble significant. One value per round, rounds interleaved
 * across tasks, gives samples a Mann-Whitney test can be fair to.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Bench } from 'tinybench';
import { UsageError, EXIT, asUsage, exitCodeOf } from '../errors.js';
import { formatHelp, parseOptions, wantsHelp, type OptionTable } from '../options.js';
import { prepareOutputFile, writeFileAtomic } from '../../results/io.js';
import { COMPARE_SCHEMA_VERSION, type MicroResultsFile, type MicroTask } from '../compare/types.js';
import { environment } from '../measure/environment.js';
import { framingTasks, type MicroTaskDefinition } from './tasks.js';
import { transportTasks } from './transports.js';

export interface MicroOptions {
  /** Independent samples per task. */
  rounds: number;
  /** tinybench time budget of one task in one round. */
  roundTimeMs: number;
  /** Only tasks whose name contains this. */
  filter: string | null;
  /**
   * Run every round in a fresh Node process. Without it, rounds share one process's JIT and heap state and an
   * A/A comparison of two invocations can differ by tens of percent on allocating tasks (measured: docs/ci.md).
   */
  processPerRound: boolean;
}

export const DEFAULT_MICRO_OPTIONS: MicroOptions = { rounds: 10, roundTimeMs: 100, filter: null, processPerRound: true };

const execFileAsync = promisify(execFile);

/** One round in a child process running this file with --child; its task results come back on stdout. */
async function roundInChild(options: MicroOptions): Promise<MicroTask[]> {
  const args = [fileURLToPath(import.meta.url), '--child', '--round-time-ms', String(options.roundTimeMs)];
  if (options.filter) args.push('--filter', options.filter);
  const { stdout } = await execFileAsync(process.execPath, args, { maxBuffer: 16 * 1024 * 1024 });
  return (JSON.parse(stdout) as MicroResultsFile).tasks;
}

/** Every task the micro suite knows. */
export async function allTasks(): Promise<MicroTaskDefinition[]> {
  return [...framingTasks(), ...transportTasks()];
}

/** Runs `tasks` for `options.rounds` interleaved rounds; progress goes to `log` (stderr by default). */
export async function runMicro(
  tasks: MicroTaskDefinition[],
  options: MicroOptions,
  log: (line: string) => void = (l) => process.stderr.write(l + '\n'),
): Promise<MicroResultsFile> {
  const selected = options.filter ? tasks.filter((t) => t.name.includes(options.filter!)) : tasks;
  if (selected.length === 0) throw new UsageError(`no micro-benchmark task matches "${options.filter}"; names: ${tasks.map((t) => t.name).join(', ')}`);
  const startedAt = new Date().toISOString();
  if (options.processPerRound) {
    const merged: MicroTask[] = selected.map((t) => ({ name: t.name, description: t.description, nsPerOpSamples: [], opsPerRound: [] }));
    for (let round = 0; round < options.rounds; round++) {
      const tasksOfRound = await roundInChild(options);
      for (const t of tasksOfRound) {
        const into = merged.find((m) => m.name === t.name)!;
        into.nsPerOpSamples.push(...t.nsPerOpSamples);
        into.opsPerRound.push(...t.opsPerRound);
      }
      log(`round ${round + 1}/${options.rounds} done (own process)`);
    }
    return fileOf(startedAt, options, merged);
  }
  const prepared: Array<{ def: MicroTaskDefinition; fn: () => void; dispose?: () => Promise<void> | void }> = [];
  for (const t of selected) prepared.push({ def: t, ...(await t.prepare()) });
  const results: MicroTask[] = selected.map((t) => ({ name: t.name, description: t.description, nsPerOpSamples: [], opsPerRound: [] }));
  try {
    for (let round = 0; round < options.rounds; round++) {
      // A fresh Bench per round; warm-up only in the first, when the JIT still has work to do.
      const bench = new Bench({ time: options.roundTimeMs, iterations: 10, warmup: round === 0, warmupTime: options.roundTimeMs });
      for (const p of prepared) bench.add(p.def.name, p.fn);
      await bench.run();
      bench.tasks.forEach((task, i) => {
        const r = task.result;
        if (r.state !== 'completed') throw new Error(`micro task ${task.name} ${r.state}${r.state === 'errored' ? `: ${r.error.message}` : ''}`);
        const def = prepared[i]!.def;
        results[i]!.nsPerOpSamples.push((r.latency.mean * 1e6) / def.opsPerCall);
        results[i]!.opsPerRound.push(task.runs * def.opsPerCall);
      });
      log(`round ${round + 1}/${options.rounds} done`);
    }
  } finally {
    for (const p of prepared) await p.dispose?.();
  }
  return fileOf(startedAt, options, results);
}

function fileOf(startedAt: string, options: MicroOptions, results: MicroTask[]): MicroResultsFile {
  return {
    schemaVersion: COMPARE_SCHEMA_VERSION,
    tool: 'pushbench',
    kind: 'micro',
    scenario: 'micro',
    startedAt,
    finishedAt: new Date().toISOString(),
    environment: environment(),
    rounds: options.rounds,
    roundTimeMs: options.roundTimeMs,
    tasks: results,
  };
}

function positiveInt(value: string | undefined, flag: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`${flag} must be an integer from 1 to ${max}, got "${value}"`);
  return n;
}

const OPTIONS: OptionTable = {
  '--json': { key: 'json', spec: { kind: 'string' }, help: 'micro-benchmark file to write', short: '-j', value: 'FILE', default: 'results/micro.json' },
  '--rounds': { key: 'rounds', spec: { kind: 'string' }, help: 'rounds, each in a fresh process', value: 'N', default: DEFAULT_MICRO_OPTIONS.rounds },
  '--round-time-ms': { key: 'round-time-ms', spec: { kind: 'string' }, help: 'time per task per round', value: 'MS', default: DEFAULT_MICRO_OPTIONS.roundTimeMs },
  '--filter': { key: 'filter', spec: { kind: 'string' }, help: 'only tasks whose name contains TEXT', value: 'TEXT' },
  '--in-process': { key: 'in-process', spec: { kind: 'bool' }, help: 'run every round in this process (faster, less trustworthy)' },
  '--child': { key: 'child', spec: { kind: 'bool' }, help: 'internal: one round for a parent process' },
};

export function help(): string {
  return formatHelp({
    usage: 'node dist/harness/micro/run.js [options]   (npm run bench:micro -- [options])',
    description: 'Writes a micro-benchmark file that pushbench compare accepts on either side.',
    table: OPTIONS,
    examples: ['npm run bench:micro', 'npm run bench:micro -- --filter feed --rounds 5 --json results/micro-feed.json'],
  });
}

/** Command-line entry; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  if (wantsHelp(argv)) {
    process.stdout.write(help());
    return EXIT.ok;
  }
  const parsed = parseOptions(OPTIONS, argv, 'bench:micro', 'npm run bench:micro -- --help');
  if (parsed.positionals.length > 0) throw new UsageError(`unknown argument "${parsed.positionals[0]}"; see npm run bench:micro -- --help`);
  const values = parsed.values as { json?: string; rounds?: string; 'round-time-ms'?: string; filter?: string; 'in-process'?: boolean; child?: boolean };
  const options: MicroOptions = {
    rounds: positiveInt(values.rounds, '--rounds', DEFAULT_MICRO_OPTIONS.rounds, 1000),
    roundTimeMs: positiveInt(values['round-time-ms'], '--round-time-ms', DEFAULT_MICRO_OPTIONS.roundTimeMs, 60_000),
    filter: values.filter ?? null,
    processPerRound: !values['in-process'] && !values.child,
  };
  if (values.child) {
    // Internal: one round for a parent process, results on stdout, progress suppressed.
    const one = await runMicro(await allTasks(), { ...options, rounds: 1 }, () => {});
    process.stdout.write(JSON.stringify(one));
    return EXIT.ok;
  }
  const file = values.json ?? 'results/micro.json';
  asUsage(() => prepareOutputFile(file, '--json'));
  const result = await runMicro(await allTasks(), options);
  writeFileAtomic(file, JSON.stringify(result, null, 2) + '\n');
  for (const t of result.tasks) {
    const sorted = [...t.nsPerOpSamples].sort((a, b) => a - b);
    process.stdout.write(`${t.name.padEnd(32)} ${sorted[sorted.length >> 1]!.toFixed(1).padStart(10)} ns/op (median of ${sorted.length} rounds)\n`);
  }
  process.stdout.write(`wrote ${file}\n`);
  return EXIT.ok;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      const code = exitCodeOf(err);
      if (code !== null) {
        process.stderr.write(`pushbench bench:micro: ${(err as Error).message}\n`);
        process.exitCode = code;
      } else {
        process.stderr.write(`pushbench bench:micro: ${(err as Error).stack ?? String(err)}\n`);
        process.exitCode = EXIT.failed;
      }
    },
  );
}
