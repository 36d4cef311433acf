/**
 * `pushbench capacity`: per transport, the largest client count this machine sustains at `--rate` (1 message/s)
 * with p99 latency within `--p99-ms` and nothing lost, by stepping then bisecting, one real run per probe; and what
 * ran out at the first count that failed. Writes one results JSON (every probe's run plus a `capacity` section) and
 * prints a table on stdout.
 */
import { isStopping } from '../run/children.js';
import { diagnose, passes, searchCapacity, type Criteria } from '../run/capacity.js';
import { environment, machineLimits } from '../measure/environment.js';
import { EXIT, EnvironmentError, UsageError } from '../errors.js';
import { Progress } from '../run/progress.js';
import { resultsPath, writeResults } from '../../results/io.js';
import { runScenario } from '../run/runner.js';
import { measureEfficiency } from '../measure/efficiency.js';
import { DEFAULTS } from '../run/scenario.js';
import { CAPACITY_COLUMNS, capacityRows } from '../../reports/table.js';
import { parseTransports } from '../transports/registry.js';
import { rssSlope } from '../measure/memory.js';
import { SCHEMA_VERSION, type CompletedTransportRun, type CapacityStep, type EfficiencyResults, type ResultsFile, type RunOptions, type TransportCapacity, type TransportRun } from '../../results/types.js';

export const summary = "each transport's largest sustained client count: pushbench capacity [flags]";

interface Flag {
  help: string;
  min: number;
  max: number;
  int: boolean;
}

/** Numeric flags and their defaults. */
const FLAGS: Record<string, Flag & { default: number }> = {
  '--p99-ms': { help: 'pass: p99 latency at most this', min: 1, max: 600_000, int: false, default: 1000 },
  '--max-clients': { help: 'largest count probed', min: 1, max: 1_000_000, int: true, default: 100_000 },
  '--start-clients': { help: 'first count probed', min: 1, max: 1_000_000, int: true, default: 1000 },
  '--min-clients': { help: 'smallest count probed when the start fails', min: 1, max: 1_000_000, int: true, default: 10 },
  '--factor': { help: 'step multiplier (√10 = 3.1623 lands on 1k, 10k, 100k)', min: 1.01, max: 100, int: false, default: 2 },
  '--precision': { help: 'bisect until within this fraction', min: 0.001, max: 1, int: false, default: 0.05 },
  '--duration': { help: 'seconds each probe holds its clients after the warm-up; latency must stay level across them (alias --hold)', min: 1, max: 3600, int: false, default: 60 },
  '--warmup': { help: 'seconds of publishing before each probe\'s latency counts', min: 0, max: 3600, int: false, default: 2 },
  '--rate': { help: 'messages per second', min: 0.01, max: 1000, int: false, default: 1 },
  '--interval-ms': { help: 'short polling interval (its p99 is at least the interval)', min: 10, max: 3_600_000, int: true, default: 500 },
  '--retries': { help: 'probe a failing count again; it passes if any probe does', min: 0, max: 5, int: true, default: 1 },
  '--connect-rate': { help: 'new connections per second, 0 = at once', min: 0, max: 1_000_000, int: false, default: 3000 },
};

export function help(): string {
  return [
    'usage: pushbench capacity [--transports a,b] [flags]',
    '',
    'Finds, per transport, the largest client count this machine sustains with p99 within --p99-ms, nothing lost,',
    'every client connected and latency level across a hold of --duration seconds (60: a short probe hides a growing',
    'backlog): steps ×factor from --start-clients, then bisects. One results JSON, one table.',
    '',
    `  ${'--transports'.padEnd(18)} comma-separated transport names (default: all)`,
    ...Object.entries(FLAGS).map(([f, o]) => `  ${f.padEnd(18)} ${o.help} (default ${o.default})`),
    `  ${'--json FILE'.padEnd(18)} exact results file path`,
    `  ${'--out DIR'.padEnd(18)} directory for the results file (default results)`,
    `  ${'--no-efficiency'.padEnd(18)} skip measuring the generator against autocannon first`,
  ].join('\n');
}

export interface CapacityArgs {
  transports: RunOptions['transports'];
  values: Record<string, number>;
  jsonFile: string | null;
  outDir: string;
  /** Measure the generator against autocannon first (results `efficiency`). */
  efficiency: boolean;
}

/** Parses the flags; throws UsageError on anything wrong. Exported for tests. */
export function parseCapacityArgs(argv: string[]): CapacityArgs {
  const values: Record<string, number> = Object.fromEntries(Object.entries(FLAGS).map(([f, o]) => [f, o.default]));
  let transports = [...DEFAULTS.transports];
  let jsonFile: string | null = null;
  let outDir = DEFAULTS.outDir;
  let efficiency = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const given = eq > 0 ? arg.slice(0, eq) : arg;
    const name = given === '--hold' ? '--duration' : given;
    const value = (): string => {
      const v = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${name} needs a value`);
      return v;
    };
    if (name === '--transports') transports = parseTransports(value());
    else if (name === '--no-efficiency') efficiency = false;
    else if (name === '--json') jsonFile = value();
    else if (name === '--out') outDir = value();
    else if (FLAGS[name]) {
      const o = FLAGS[name]!;
      const raw = value();
      const n = Number(raw.replace(/_/g, ''));
      if (!Number.isFinite(n) || n < o.min || n > o.max || (o.int && !Number.isInteger(n))) {
        throw new UsageError(`${name} must be ${o.int ? 'a whole number' : 'a number'} from ${o.min} to ${o.max}, got ${JSON.stringify(raw)}`);
      }
      values[name] = n;
    } else throw new UsageError(`unknown ${arg.startsWith('--') ? 'flag' : 'argument'} ${name}; see pushbench capacity --help`);
  }
  const v = values;
  if (!(v['--min-clients']! <= v['--start-clients']! && v['--start-clients']! <= v['--max-clients']!)) {
    throw new UsageError(`need --min-clients <= --start-clients <= --max-clients, got ${v['--min-clients']}, ${v['--start-clients']}, ${v['--max-clients']}`);
  }
  if (Math.round(v['--rate']! * v['--duration']!) < 1) throw new UsageError(`--rate ${v['--rate']} for --duration ${v['--duration']} publishes no message; raise one of them`);
  return { transports, values, jsonFile, outDir, efficiency };
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
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(help() + '\n');
    return EXIT.ok;
  }
  const args = parseCapacityArgs(argv);
  const v = args.values;
  const limits = machineLimits();
  const criteria: Criteria = { p99Ms: v['--p99-ms']!, cpus: limits.cpus, memoryBytes: limits.memoryBytes ?? environment().totalMemoryBytes };
  const progress = new Progress();
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
  if (args.efficiency) {
    progress.note('efficiency: pushbench short-polling client vs autocannon, 100 connections, 5 s each');
    efficiency = await measureEfficiency(100, 5);
    progress.note(
      `efficiency: pushbench ${efficiency.pushbench.requestsPerCpuS} req/s per CPU s, autocannon ${efficiency.autocannon.requestsPerCpuS}, ratio ${efficiency.ratio}`,
    );
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
  };
  const file = resultsPath(results.options, startedAt);
  writeResults(results, file);
  process.stdout.write(formatCapacity(results) + '\n');
  progress.note(`results: ${file}`);
  return EXIT.ok;
}
