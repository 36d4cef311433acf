/**
 * `pushbench capacity`: per transport, the largest client count this machine sustains at `--rate` (1 message/s)
 * with p99 latency within `--p99-ms` and nothing lost, by stepping then bisecting, one real run per probe; and what
 * ran out at the first count that failed. `--by rate` holds `--clients` fixed and searches the per-client message
 * rate instead. Writes one results JSON (every probe's run plus a `capacity` section) and prints a table on stdout.
 */
import { isStopping } from '../run/children.js';
import { diagnose, passes, searchCapacity, searchRate, significant, RATE_DIGITS, type Criteria } from '../run/capacity.js';
import { MIN_STEADY_SECONDS } from '../measure/steady.js';
import { environment, machineLimits } from '../measure/environment.js';
import { EXIT, EnvironmentError, UsageError, asUsage } from '../errors.js';
import { Progress } from '../run/progress.js';
import { prepareOutputDir, prepareOutputFile, resultsJson, resultsPath } from '../../results/io.js';
import { saveResults } from './run.js';
import { runScenario } from '../run/runner.js';
import { EFFICIENCY_DEFAULTS, measureEfficiency } from '../measure/efficiency.js';
import { DEFAULTS, RUN_FLAGS } from '../run/scenario.js';
import { capacityColumns, capacityRows, formatRate } from '../../reports/table.js';
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
  '--rate': { key: '--rate', spec: num(0.01, 1000, false), help: 'messages per second per client (the search over counts)', short: '-r', value: 'MSG/S', default: 1 },
  '--interval-ms': { key: '--interval-ms', spec: num(10, 3_600_000, true), help: 'short polling interval (its p99 is at least the interval)', value: 'MS', default: 500 },
  '--retries': { key: '--retries', spec: num(0, 5, true), help: 'probe a failing count again; it passes if any probe does', value: 'N', default: 1 },
  '--connect-rate': { key: '--connect-rate', spec: num(0, 1_000_000, false), help: 'new connections per second, 0 = at once', value: 'N/S', default: 3000 },
  '--clients': { key: '--clients', spec: num(1, 1_000_000, true), help: '--by rate: the client count every probe holds', short: '-c', value: 'N', default: 100_000 },
  '--start-rate': { key: '--start-rate', spec: num(0.001, 1000, false), help: '--by rate: first per-client rate probed', value: 'MSG/S', default: 1 },
  '--max-rate': { key: '--max-rate', spec: num(0.001, 1000, false), help: '--by rate: largest rate probed', value: 'MSG/S', default: 100 },
  '--min-rate': {
    key: '--min-rate',
    spec: num(0.001, 1000, false),
    help: `--by rate: smallest rate probed when the start fails (default: the smallest that publishes ${MIN_STEADY_SECONDS} messages per client in --duration, 0.0834 at 60 s)`,
    value: 'MSG/S',
  },
};

/** Rounds up to `digits` significant digits (5 / 60 = 0.08333 → 0.0834): the smallest readable rate at least `x`. */
export function ceilSignificant(x: number, digits: number): number {
  const q = 10 ** (Math.floor(Math.log10(x)) - digits + 1);
  return Number((Math.ceil(x / q - 1e-9) * q).toPrecision(digits));
}

/** Flags that only mean something in one search: given in the other, they are refused. */
const ONLY_BY_CLIENTS = ['--max-clients', '--start-clients', '--min-clients', '--rate'];
const ONLY_BY_RATE = ['--clients', '--start-rate', '--max-rate', '--min-rate'];

/** Every capacity option: the numeric ones and the rest. */
const OPTIONS: OptionTable = {
  '--by': { key: 'by', spec: { kind: 'choice', choices: ['clients', 'rate'] }, help: 'search the client count at --rate, or the per-client rate at --clients', value: 'clients|rate', default: 'clients' },
  '--transports': { key: 'transports', spec: { kind: 'transports' }, help: 'comma-separated transport names', short: '-t', value: 'LIST', default: 'all' },
  ...FLAGS,
  '--json': { key: 'jsonFile', spec: { kind: 'string' }, help: 'exact results file path; - writes the results to stdout (the table goes to stderr)', short: '-j', value: 'FILE|-' },
  '--out': { key: 'outDir', spec: { kind: 'string' }, help: 'directory for the results file', value: 'DIR', default: DEFAULTS.outDir },
  '--efficiency': { key: 'efficiency', spec: { kind: 'bool' }, help: 'measure the generator against autocannon first (--no-efficiency: skip)' },
  '--quiet': { key: 'quiet', spec: { kind: 'bool' }, help: 'no progress on stderr', short: '-q' },
  // What a run takes, the same flag: every probe publishes with it.
  '--pattern': { ...RUN_FLAGS['--pattern']!, default: 'broadcast' },
};

export function help(): string {
  return formatHelp({
    usage: 'pushbench capacity [options]',
    description:
      'Finds, per transport, the largest client count this machine sustains with p99 within --p99-ms, nothing lost,\n' +
      'every client connected and latency level across a hold of --duration seconds (60: a short probe hides a growing\n' +
      'backlog): steps ×factor from --start-clients, then bisects. One results JSON, one table.\n' +
      `--by rate: every probe holds --clients and the search runs over the per-client rate instead (from --start-rate,\n` +
      `rates to ${RATE_DIGITS} significant digits); --min-rate × --duration must publish at least ${MIN_STEADY_SECONDS} messages per client\n` +
      `(a steady state is judged on that many measured seconds), and --duration be at least ${MIN_STEADY_SECONDS} s.`,
    table: OPTIONS,
    examples: [
      'pushbench capacity -t sse,websocket --max-clients 20000',
      'pushbench capacity --factor 3.1623 --json results/capacity.json',
      'pushbench capacity --by rate --clients 100000 -t websocket --duration 120',
    ],
  });
}

export interface CapacityArgs {
  /** What the search runs over: the client count (at `--rate`) or the per-client rate (at `--clients`). */
  by: 'clients' | 'rate';
  transports: RunOptions['transports'];
  values: Record<string, number>;
  jsonFile: string | null;
  outDir: string;
  /** Measure the generator against autocannon first (results `efficiency`). */
  efficiency: boolean;
  quiet: boolean;
  /** When each client's message is due in every probe (`--pattern`). */
  pattern: RunOptions['pattern'];
}

/** Parses the flags; throws UsageError on anything wrong. Exported for tests. */
export function parseCapacityArgs(argv: string[]): CapacityArgs {
  const parsed = parseOptions(OPTIONS, argv, 'capacity');
  if (parsed.positionals.length > 0) throw new UsageError(`unknown argument ${parsed.positionals[0]}; see pushbench capacity --help`);
  const given = parsed.values;
  const values: Record<string, number> = Object.fromEntries(
    Object.entries(FLAGS)
      .filter(([f, o]) => f !== '--hold' && (given[f] !== undefined || o.default !== undefined))
      .map(([f, o]) => [f, (given[f] as number | undefined) ?? (o.default as number)]),
  );
  const v = values;
  const by = (given.by as 'clients' | 'rate' | undefined) ?? 'clients';
  const wrong = (by === 'rate' ? ONLY_BY_CLIENTS : ONLY_BY_RATE).find((f) => given[f] !== undefined);
  if (wrong) {
    throw new UsageError(
      by === 'rate'
        ? `${wrong} is for the search over client counts; --by rate holds --clients fixed and searches --start-rate/--min-rate/--max-rate`
        : `${wrong} is for --by rate; the search over client counts runs at --rate with --start-clients/--min-clients/--max-clients`,
    );
  }
  if (by === 'clients') {
    if (!(v['--min-clients']! <= v['--start-clients']! && v['--start-clients']! <= v['--max-clients']!)) {
      throw new UsageError(`need --min-clients <= --start-clients <= --max-clients, got ${v['--min-clients']}, ${v['--start-clients']}, ${v['--max-clients']}`);
    }
    if (Math.round(v['--rate']! * v['--duration']!) < 1) throw new UsageError(`--rate ${v['--rate']} for --duration ${v['--duration']} publishes no message; raise one of them`);
  } else {
    // The smallest rate a probe can be judged at: MIN_STEADY_SECONDS messages per client in the hold.
    const judgeable = ceilSignificant(MIN_STEADY_SECONDS / v['--duration']!, RATE_DIGITS);
    const minGiven = given['--min-rate'] !== undefined;
    if (!minGiven) v['--min-rate'] = Math.min(judgeable, v['--start-rate']!);
    if (!(v['--min-rate']! <= v['--start-rate']! && v['--start-rate']! <= v['--max-rate']!)) {
      throw new UsageError(`need --min-rate <= --start-rate <= --max-rate, got ${v['--min-rate']}, ${v['--start-rate']}, ${v['--max-rate']}`);
    }
    // A probe is judged on its per-second latency: it needs that many measured seconds, each with a message in it.
    if (v['--duration']! < MIN_STEADY_SECONDS) {
      throw new UsageError(`--duration ${v['--duration']} is too short to judge a steady state; hold each probe at least ${MIN_STEADY_SECONDS} s`);
    }
    const messages = v['--min-rate']! * v['--duration']!;
    if (messages < MIN_STEADY_SECONDS - 1e-9) {
      // Named after the flag that set the smallest rate: --min-rate, or --start-rate when --min-rate was left to it.
      const flag = minGiven ? '--min-rate' : '--start-rate';
      throw new UsageError(
        `${flag} ${v['--min-rate']} for --duration ${v['--duration']} publishes ${significant(RATE_DIGITS)(messages)} messages per client; judging a steady state needs ${MIN_STEADY_SECONDS}: ` +
          `raise ${flag} to ${judgeable} or --duration to ${Math.ceil(MIN_STEADY_SECONDS / v['--min-rate']! - 1e-9)}`,
      );
    }
  }
  return {
    by,
    transports: (given.transports as RunOptions['transports'] | undefined) ?? [...DEFAULTS.transports],
    values,
    jsonFile: (given.jsonFile as string | undefined) ?? null,
    outDir: (given.outDir as string | undefined) ?? DEFAULTS.outDir,
    efficiency: given.efficiency !== false,
    quiet: given.quiet === true,
    pattern: (given.pattern as RunOptions['pattern'] | undefined) ?? 'broadcast',
  };
}

/** The capacity table for humans. Pure over the capacity section. */
export function formatCapacity(results: ResultsFile): string {
  const c = results.capacity;
  if (!c) return '';
  const rows = capacityRows(c);
  const head = capacityColumns(c);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  // The transport and the diagnosis (first and last) are words; the rest are numbers.
  const line = (r: string[]): string => r.map((cell, i) => (i === 0 || i === head.length - 1 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd();
  const what = c.by === 'rate' ? `capacity of ${c.maxClients.toLocaleString('en-US')} clients by per-client rate` : `capacity at ${results.options.rate} msg/s`;
  return [
    `${what}, pass: p99 <= ${c.p99Ms} ms, nothing lost, every client connected`,
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
    pattern: args.pattern,
    // --by rate: every probe holds --clients; each probe's rate is its own (runs[].rate), the options say the first.
    ...(args.by === 'rate' ? { clients: v['--clients']! } : {}),
    rate: args.by === 'rate' ? v['--start-rate']! : v['--rate']!,
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
  const byRate = args.by === 'rate';
  for (const transport of args.transports) {
    // One probe: a real run of `clients` at `rate`, judged and diagnosed.
    const probe = async (clients: number, rate: number): Promise<CapacityStep> => {
      const label = `capacity ${transport} ${clients}${byRate ? ` at ${formatRate(rate)} msg/s` : ''}`;
      const at = byRate ? { rate } : {};
      let run: TransportRun;
      try {
        run = (await runScenario({ ...base, transports: [transport], clients, rate }, { limits })).runs[0]!;
      } catch (e) {
        if (!(e instanceof EnvironmentError) || isStopping()) throw e;
        // The planner refused this count (descriptors, ports, memory): a failed probe, with the planner's reason.
        const step: CapacityStep = { clients, ...at, p99Ms: 0, lost: 0, unconnected: clients, ok: false, limitedBy: `plan refused: ${e.message}` };
        progress.note(`${label}: refused (${e.message})`);
        return step;
      }
      run = { ...run, repeat: runs.length };
      runs.push(run);
      const ok = passes(run, criteria);
      const step: CapacityStep = {
        clients,
        ...at,
        p99Ms: run.state === 'completed' ? run.latencyMs.p99 : 0,
        lost: run.state === 'completed' ? run.messages.lost : 0,
        unconnected: run.state === 'completed' ? clients - run.connect.connected : clients,
        ok,
        limitedBy: diagnose(run, criteria),
      };
      progress.note(
        `${label}: ${ok ? 'ok' : 'FAILED'}, p99 ${step.p99Ms} ms, lost ${step.lost}, unconnected ${step.unconnected}` + (step.limitedBy ? `; ${step.limitedBy}` : ''),
      );
      return step;
    };
    const common = { factor: v['--factor']!, precision: v['--precision']!, retries: v['--retries']! };
    let found: Pick<TransportCapacity, 'maxClients' | 'firstFailedClients' | 'maxRate' | 'firstFailedRate' | 'limitedBy' | 'steps'>;
    if (byRate) {
      const clients = v['--clients']!;
      const search = await searchRate((rate) => probe(clients, rate), { start: v['--start-rate']!, max: v['--max-rate']!, min: v['--min-rate']!, ...common });
      const failedAt = search.steps.find((s) => s.rate === search.firstFailedRate);
      found = {
        // At the one count probed: it passed at some rate, or at none.
        maxClients: search.maxRate > 0 ? clients : 0,
        firstFailedClients: search.maxRate > 0 ? null : clients,
        maxRate: search.maxRate,
        firstFailedRate: search.firstFailedRate,
        limitedBy: failedAt ? (failedAt.limitedBy ?? 'unknown') : `not reached (--max-rate ${v['--max-rate']} passed)`,
        steps: search.steps,
      };
    } else {
      const search = await searchCapacity((clients) => probe(clients, v['--rate']!), {
        start: v['--start-clients']!,
        max: v['--max-clients']!,
        min: v['--min-clients']!,
        ...common,
      });
      const failedAt = search.steps.find((s) => s.clients === search.firstFailedClients);
      found = {
        maxClients: search.maxClients,
        firstFailedClients: search.firstFailedClients,
        limitedBy: failedAt ? (failedAt.limitedBy ?? 'unknown') : `not reached (--max-clients ${v['--max-clients']} passed)`,
        steps: search.steps,
      };
    }
    // Memory per added connection across the counts probed: the slope, free of each process's fixed base.
    const slope = rssSlope(
      runs
        .filter((r): r is CompletedTransportRun => r.state === 'completed' && r.transport === transport && !!r.memory)
        .map((r) => ({ connections: r.connect.connected, rssBytes: r.memory!.serverConnectedRssBytes })),
    );
    capacities.push({
      transport,
      ...(slope !== null ? { serverBytesPerConnectionSlope: slope } : {}),
      ...found,
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
      ...(byRate ? { by: 'rate' as const, startRate: v['--start-rate']!, maxRate: v['--max-rate']!, minRate: v['--min-rate']! } : {}),
      p99Ms: v['--p99-ms']!,
      // --by rate: every probe held the one count, so it is both the first and the largest probed.
      maxClients: byRate ? v['--clients']! : v['--max-clients']!,
      startClients: byRate ? v['--clients']! : v['--start-clients']!,
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
