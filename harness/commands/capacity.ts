/**
 * `pushbench capacity`: per transport, the largest client count this machine sustains at `--rate` (1 message/s)
 * with p99 latency within `--p99-ms` and nothing lost, by stepping then bisecting, one real run per probe; and what
 * ran out at the first count that failed. Writes one results JSON (every probe's run plus a `capacity` section) and
 * prints a table on stdout.
 */
import { isStopping } from '../run/children.js';
import { diagnose, passes, searchCapacity, type Criteria } from '../run/capacity.js';
import { environment, machineLimits } from '../measure/environment.js';
import { EXIT, EnvironmentError, UsageError, asUsage } from '../errors.js';
import { Progress } from '../run/progress.js';
import { prepareOutputDir, prepareOutputFile, resultsJson, resultsPath } from '../../results/io.js';
import { saveResults } from './run.js';
import { runScenario } from '../run/runner.js';
import { EFFICIENCY_DEFAULTS, measureEfficiency } from '../measure/efficiency.js';
import { DEFAULTS } from '../run/scenario.js';
import { CAPACITY_COLUMNS, capacityRows } from '../../reports/table.js';
import { formatHelp, parseOptions, wantsHelp, type OptionTable, type Spec } from '../options.js';
import { rssSlope } from '../measure/memory.js';
import { SCHEMA_VERSION, type CompletedTransportRun, type CapacityStep, type EfficiencyResults, type ResultsFile, type RunOptions, type TransportCapacity, type TransportRun } from '../../results/types.js';

export const summary = "each transport's largest sustained client count: pushbench capacity [flags]";

const num = (min: number, max: number, int: boolean): Spec => (int ? { kind: 'int', min, max } : { kind: 'number', min, max });

/** Numeric flags (stored under their flag name) and their defaults. */
const FLAGS: OptionTable = {
  '--p99-ms': { key: '--p99-ms', spec: num(1, 600_000, false), help: 'pass: p99 latency at most this', value: 'MS', default: 1000 },
  '--max-clients': { key: '--max-clients', spec: num(1, 1_000_000, true), help: 'largest count probed', value: 'N', default: 100_000 },
  '--start-clients': { key: '--start-clients', spec: num(1, 1_000_000, true), help: 'first count probed', value: 'N', default: 1000 },
  '--min-clients': { key: '--min-clients', spec: num(1, 1_000_000, true), help: 'smallest count probed when the start fails', value: 'N', default: 10 },
  '--factor': { key: '--factor', spec: num(1.01, 100, false), help: 'step multiplier (√10 = 3.1623 lands on 1k, 10k, 100k)', value: 'X', default: 2 },
  '--precision': { key: '--precision', spec: num(0.001, 1, false), help: 'bisect until within this fraction', value: 'X', default: 0.05 },
  '--duration': { key: '--duration', spec: num(1, 3600, false), help: 'seconds each probe holds its clients after the warm-up; latency must stay level across them', short: '-d', value: 'S', default: 60 },
  '--hold': { key: '--duration', spec: num(1, 3600, false), help: 'the same as --duration', value: 'S' },
  '--warmup': { key: '--warmup', spec: num(0, 3600, false), help: "seconds of publishing before each probe's latency counts", value: 'S', default: 2 },
  '--rate': { key: '--rate', spec: num(0.01, 1000, false), help: 'messages per second', short: '-r', value: 'MSG/S', default: 1 },
  '--interval-ms': { key: '--interval-ms', spec: num(10, 3_600_000, true), help: 'short polling interval (its p99 is at least the interval)', value: 'MS', default: 500 },
  '--retries': { key: '--retries', spec: num(0, 5, true), help: 'probe a failing count again; it passes if any probe does', value: 'N', default: 1 },
  '--connect-rate': { key: '--connect-rate', spec: num(0, 1_000_000, false), help: 'new connections per second, 0 = at once', value: 'N/S', default: 3000 },
};

/** Every capacity option: the numeric ones and the rest. */
const OPTIONS: OptionTable = {
  '--transports': { key: 'transports', spec: { kind: 'transports' }, help: 'comma-separated transport names', short: '-t', value: 'LIST', default: 'all' },
  ...FLAGS,
  '--json': { key: 'jsonFile', spec: { kind: 'string' }, help: 'exact results file path; - writes the results to stdout (the table goes to stderr)', short: '-j', value: 'FILE|-' },
  '--out': { key: 'outDir', spec: { kind: 'string' }, help: 'directory for the results file', value: 'DIR', default: DEFAULTS.outDir },
  '--efficiency': { key: 'efficiency', spec: { kind: 'bool' }, help: 'measure the generator against autocannon first (--no-efficiency: skip)' },
  '--quiet': { key: 'quiet', spec: { kind: 'bool' }, help: 'no progress on stderr', short: '-q' },
};

export function help(): string {
  return formatHelp({
    usage: 'pushbench capacity [options]',
    description:
      'Finds, per transport, the largest client count this machine sustains with p99 within --p99-ms, nothing lost,\n' +
      'every client connected and latency level across a hold of --duration seconds (60: a short probe hides a growing\n' +
      'backlog): steps ×factor from --start-clients, then bisects. One results JSON, one table.',
    table: OPTIONS,
    examples: ['pushbench capacity -t sse,websocket --max-clients 20000', 'pushbench capacity --factor 3.1623 --json results/capacity.json'],
  });
}

export interface CapacityArgs {
  transports: RunOptions['transports'];
  values: Record<string, number>;
  jsonFile: string | null;
  outDir: string;
  /** Measure the generator against autocannon first (results `efficiency`). */
  efficiency: boolean;
  quiet: boolean;
}

/** Parses the flags; throws UsageError on anything wrong. Exported for tests. */
export function parseCapacityArgs(argv: string[]): CapacityArgs {
  const parsed = parseOptions(OPTIONS, argv, 'capacity');
  if (parsed.positionals.length > 0) throw new UsageError(`unknown argument ${parsed.positionals[0]}; see pushbench capacity --help`);
  const given = parsed.values;
  const values: Record<string, number> = Object.fromEntries(Object.entries(FLAGS).map(([f, o]) => [f, (given[f] as number | undefined) ?? (o.default as number)]).filter(([f]) => f !== '--hold'));
  const v = values;
  if (!(v['--min-clients']! <= v['--start-clients']! && v['--start-clients']! <= v['--max-clients']!)) {
    throw new UsageError(`need --min-clients <= --start-clients <= --max-clients, got ${v['--min-clients']}, ${v['--start-clients']}, ${v['--max-clients']}`);
  }
  if (Math.round(v['--rate']! * v['--duration']!) < 1) throw new UsageError(`--rate ${v['--rate']} for --duration ${v['--duration']} publishes no message; raise one of them`);
  return {
    transports: (given.transports as RunOptions['transports'] | undefined) ?? [...DEFAULTS.transports],
    values,
    jsonFile: (given.jsonFile as string | undefined) ?? null,
    outDir: (given.outDir as string | undefined) ?? DEFAULTS.outDir,
    efficiency: given.efficiency !== false,
    quiet: given.quiet === true,
  };
}

/** The capacity table for humans. Pure over the capacity section. */
export function formatCapacity(results: ResultsFile): string {
  const c = results.capacity;
  if (!c) return '';
  const rows = capacityRows(c);
  const head = CAPACITY_COLUMNS;
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((cell, i) => (i === 0 || i === 5 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd();
  return [
    `capacity at ${results.options.rate} msg/s, pass: p99 <= ${c.p99Ms} ms, nothing lost, every client connected`,
    line(head),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  if (wantsHelp(argv)) {
    process.stdout.write(help());
    return EXIT.ok;
  }
  const args = parseCapacityArgs(argv);
  if (args.jsonFile !== '-') asUsage(() => (args.jsonFile ? prepareOutputFile(args.jsonFile, '--json') : prepareOutputDir(args.outDir, '--out')));
  const v = args.values;
  const limits = machineLimits();
  const criteria: Criteria = { p99Ms: v['--p99-ms']!, cpus: limits.cpus, memoryBytes: limits.memoryBytes ?? environment().totalMemoryBytes };
  const progress = new Progress(args.quiet);
  const startedAt = new Date().toISOString();
  const base: RunOptions = {
    ...DEFAULTS,
    scenario: 'capacity',
    rate: v['--rate']!,
    // The warm-up is published and checked for loss like the rest; only its latency is left out.
    durationS: v['--warmup']! + v['--duration']!,
    warmupS: v['--warmup']!,
    intervalMs: v['--interval-ms']!,
    connectRate: v['--connect-rate']!,
    drainTimeoutMs: Math.max(DEFAULTS.drainTimeoutMs, 2 * v['--interval-ms']! + 1000),
    outDir: args.outDir,
    jsonFile: args.jsonFile,
  };
  let efficiency: EfficiencyResults | undefined;
  let efficiencyError: string | undefined;
  if (args.efficiency) {
    progress.note(
      `efficiency: pushbench's polling client vs autocannon and its WebSocket client vs ws, ${EFFICIENCY_DEFAULTS.connections} connections, ${EFFICIENCY_DEFAULTS.pairs} pairs each in alternating order`,
    );
    try {
      efficiency = await measureEfficiency(EFFICIENCY_DEFAULTS, (line) => progress.note(line));
      progress.note(
        `efficiency: polling ${efficiency.ratio} × autocannon's responses per CPU second (pairs ${efficiency.ratioLow}..${efficiency.ratioHigh}); ` +
          `WebSocket ${efficiency.websocket?.ratio} × ${efficiency.websocket?.other}'s messages per CPU second (${efficiency.websocket?.ratioLow}..${efficiency.websocket?.ratioHigh})`,
      );
    } catch (e) {
      if (isStopping() || e instanceof EnvironmentError) throw e;
      // A load generator that died is recorded and fails the command at the end; the capacity search still runs.
      efficiencyError = (e as Error).message;
      progress.note(`efficiency: errored: ${efficiencyError}`);
    }
  }
  const runs: TransportRun[] = [];
  const capacities: TransportCapacity[] = [];
  for (const transport of args.transports) {
    const search = await searchCapacity(
      async (clients): Promise<CapacityStep> => {
        let run: TransportRun;
        try {
          run = (await runScenario({ ...base, transports: [transport], clients }, { limits })).runs[0]!;
        } catch (e) {
          if (!(e instanceof EnvironmentError) || isStopping()) throw e;
          // The planner refused this count (descriptors, ports, memory): a failed probe, with the planner's reason.
          const step: CapacityStep = { clients, p99Ms: 0, lost: 0, unconnected: clients, ok: false, limitedBy: `plan refused: ${e.message}` };
          progress.note(`capacity ${transport} ${clients}: refused (${e.message})`);
          return step;
        }
        run = { ...run, repeat: runs.length };
        runs.push(run);
        const ok = passes(run, criteria);
        const step: CapacityStep = {
          clients,
          p99Ms: run.state === 'completed' ? run.latencyMs.p99 : 0,
          lost: run.state === 'completed' ? run.messages.lost : 0,
          unconnected: run.state === 'completed' ? clients - run.connect.connected : clients,
          ok,
          limitedBy: diagnose(run, criteria),
        };
        progress.note(
          `capacity ${transport} ${clients}: ${ok ? 'ok' : 'FAILED'}, p99 ${step.p99Ms} ms, lost ${step.lost}, unconnected ${step.unconnected}` +
            (step.limitedBy ? `; ${step.limitedBy}` : ''),
        );
        return step;
      },
      { start: v['--start-clients']!, max: v['--max-clients']!, min: v['--min-clients']!, factor: v['--factor']!, precision: v['--precision']!, retries: v['--retries']! },
    );
    const failedAt = search.steps.find((s) => s.clients === search.firstFailedClients);
    // Memory per added connection across the counts probed: the slope, free of each process's fixed base.
    const slope = rssSlope(
      runs
        .filter((r): r is CompletedTransportRun => r.state === 'completed' && r.transport === transport && !!r.memory)
        .map((r) => ({ connections: r.connect.connected, rssBytes: r.memory!.serverConnectedRssBytes })),
    );
    capacities.push({
      transport,
      ...(slope !== null ? { serverBytesPerConnectionSlope: slope } : {}),
      maxClients: search.maxClients,
      firstFailedClients: search.firstFailedClients,
      limitedBy: failedAt ? (failedAt.limitedBy ?? 'unknown') : `not reached (--max-clients ${v['--max-clients']} passed)`,
      steps: search.steps,
    });
  }
  if (isStopping()) return EXIT.interrupted;
  const results: ResultsFile = {
    schemaVersion: SCHEMA_VERSION,
    tool: 'pushbench',
    scenario: 'capacity',
    startedAt,
    finishedAt: new Date().toISOString(),
    environment: environment(),
    options: { ...base, transports: args.transports },
    runs,
    capacity: {
      p99Ms: v['--p99-ms']!,
      maxClients: v['--max-clients']!,
      startClients: v['--start-clients']!,
      precision: v['--precision']!,
      retries: v['--retries']!,
      durationS: v['--duration']!,
      warmupS: v['--warmup']!,
      intervalMs: v['--interval-ms']!,
      transports: capacities,
    },
    ...(efficiency ? { efficiency } : {}),
    ...(efficiencyError ? { efficiencyError } : {}),
  };
  if (args.jsonFile === '-') {
    process.stderr.write(formatCapacity(results) + '\n');
    process.stdout.write(resultsJson(results));
    return efficiencyError ? EXIT.failed : EXIT.ok;
  }
  process.stdout.write(formatCapacity(results) + '\n');
  const file = saveResults(results, resultsPath(results.options, startedAt), progress);
  if (file === null) return EXIT.environment;
  progress.note(`results: ${file}`);
  return efficiencyError ? EXIT.failed : EXIT.ok;
}
