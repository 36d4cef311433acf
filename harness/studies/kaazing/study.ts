/**
 * websocket.org's 871-vs-2 table, measured. For every header profile and use case (A 1,000, B 10,000, C 100,000
 * clients) the study runs the transports through `runScenario`, reads the kernel's TCP counters of the server's
 * sockets over each publishing window, measures the 3:1 latency claim through the user-space delay proxy, and
 * returns one `KaazingResults`.
 *
 * A use case the machine cannot hold (the planner refuses it before anything starts, or the run fails for lack of
 * resources) is not faked: it is extrapolated from the largest measured case of the same profile and says so.
 */
import path from 'node:path';
import { EnvironmentError } from '../../errors.js';
import { environment, machineLimits } from '../../measure/environment.js';
import { packageRoot } from '../../paths.js';
import { loadProfile } from '../../protocol/profiles.js';
import { planFor, type PlannedRun } from '../../run/plan.js';
import { runScenario } from '../../run/runner.js';
import { writeResults } from '../../../results/io.js';
import type { LiveSample, TransportName } from '../../../results/types.js';
import { completed, type KaazingCase, type KaazingResults } from '../../../reports/kaazing.js';
import type { RuledOut } from '../../../results/kaazing.js';
import { KAAZING_SCHEMA_VERSION } from '../../../results/kaazing.js';
import { ruledOutOf, type CapacityLimit } from './capacity.js';
import { measureLatency } from './latency.js';
import { framingModel, profileHeads } from './models.js';
import { freePort, measureWsFrames, tcpSampler } from './probes.js';
import { studyRunOptions, type KaazingScenario, type UseCase } from './scenario.js';

/** What to measure of the study this time; the command fills it from its flags over the scenario. */
export interface StudyOptions {
  profiles: string[];
  useCases: UseCase[];
  transports: TransportName[];
  durationS: number;
  /** Use cases with more clients than this are extrapolated instead of measured (null: measure all the plan allows). */
  measureUpTo: number | null;
  /** Measure the latency claim (after the use cases, or alone with `latencyOnly`). */
  latency: boolean;
  latencyOnly: boolean;
  delayMs: number;
  /** Where each run's own results file goes. */
  resultsDir: string;
  /** The command line, recorded in the results for reproducing them. */
  command: string;
  /**
   * Capacity searches (`--capacity`): a polling transport is not run in a use case with more clients than its
   * search sustained; its row is scaled from the largest case of the profile that measured it (./capacity.ts).
   */
  capacity?: ReadonlyMap<TransportName, CapacityLimit>;
}

/** A phase line per transport on stderr, as the study has always printed it. */
function phaseLog(): (s: LiveSample) => void {
  let lastPhase: LiveSample['phase'] | null = null;
  return (s) => {
    if (s.phase !== lastPhase) {
      lastPhase = s.phase;
      process.stderr.write(`  ${s.transport}: ${s.phase}, ${s.connected}/${s.clients} connected, ${s.published} published\n`);
    }
  };
}

/** One use case of one profile: all transports in one run on a known port, its TCP counters sampled meanwhile. */
async function measureCase(
  scenario: KaazingScenario,
  profile: string,
  u: UseCase,
  o: StudyOptions,
  planned: PlannedRun,
  progress: (s: LiveSample) => void,
  transports: TransportName[],
) {
  const port = await freePort();
  const sampler = tcpSampler(port);
  const options = studyRunOptions(scenario, {
    profile,
    clients: u.clients,
    durationS: o.durationS,
    transports,
    port,
    jsonFile: path.join(o.resultsDir, `kaazing-${profile}-${u.useCase}.json`),
  });
  const results = await runScenario(
    options,
    {
      onSample: (s) => {
        sampler.onSample(s);
        progress(s);
      },
    },
    planned,
  );
  writeResults(results, path.resolve(options.jsonFile!));
  return { results, tcp: await sampler.results(), resultsFile: path.relative(packageRoot, path.resolve(options.jsonFile!)) };
}

/** The plan for a use case, or why this machine cannot hold it (the planner's reason), before anything starts. */
function planCase(scenario: KaazingScenario, clients: number): PlannedRun | string {
  try {
    return planFor(studyRunOptions(scenario, { clients }), machineLimits());
  } catch (e) {
    if (e instanceof EnvironmentError) return e.message;
    throw e;
  }
}

/** Runs the study; `failed` when a transport run or a latency mode errored (the results say which). */
export async function runKaazingStudy(scenario: KaazingScenario, o: StudyOptions): Promise<{ results: KaazingResults; failed: boolean }> {
  const progress = phaseLog();
  const startedAt = new Date().toISOString();
  const cases: KaazingCase[] = [];
  let failed = false;
  if (!o.latencyOnly) {
    for (const profile of o.profiles) {
      for (const u of o.useCases) {
        const base = { useCase: u.useCase, clients: u.clients, profile };
        const measured = cases.filter((c) => c.profile === profile && !c.extrapolatedFrom && c.runs.some((r) => r.state === 'completed'));
        const source = measured.at(-1);
        const extrapolate = (reason: string): void => {
          cases.push({ ...base, resultsFile: null, runs: [], tcp: {}, extrapolatedFrom: source ? { useCase: source.useCase, clients: source.clients, resultsFile: source.resultsFile, reason } : null });
          process.stderr.write(`kaazing: ${profile} ${u.useCase} not run: ${reason}\n`);
        };
        if (o.measureUpTo !== null && u.clients > o.measureUpTo) {
          extrapolate(
            `this run measured use cases of at most ${o.measureUpTo.toLocaleString('en-US')} clients (--measure-up-to); ` +
              'a 100,000-client case runs for minutes per transport and profile; pushbench kaazing without that flag measures it where the plan allows',
          );
          continue;
        }
        const planned = planCase(scenario, u.clients);
        if (typeof planned === 'string') {
          extrapolate(`this machine cannot hold ${u.clients.toLocaleString('en-US')} clients (${planned})`);
          continue;
        }
        const limits = o.capacity ? ruledOutOf(o.transports, u.clients, profile, scenario.payloadBytes, o.capacity) : [];
        const ruledOut = limits.map(({ transport, ...capacity }): RuledOut => {
          const from = cases.filter((c) => c.profile === profile && !c.extrapolatedFrom && completed(c.runs).some((r) => r.transport === transport)).at(-1);
          return { transport, capacity, from: from ? { useCase: from.useCase, clients: from.clients, resultsFile: from.resultsFile } : null };
        });
        for (const r of ruledOut) {
          process.stderr.write(
            `kaazing: ${profile} ${u.useCase}: ${r.transport} not run: its capacity search (${r.capacity.file}) sustained ` +
              `${r.capacity.maxClients.toLocaleString('en-US')} clients, fewer than ${u.clients.toLocaleString('en-US')}\n`,
          );
        }
        const transports = o.transports.filter((t) => !ruledOut.some((r) => r.transport === t));
        if (transports.length === 0) {
          extrapolate(`every transport's capacity search sustained fewer than ${u.clients.toLocaleString('en-US')} clients (${ruledOut.map((r) => `${r.transport} ${r.capacity.maxClients.toLocaleString('en-US')}`).join(', ')})`);
          continue;
        }
        process.stderr.write(`kaazing: profile ${profile}, use case ${u.useCase} (${u.clients} clients)\n`);
        try {
          const m = await measureCase(scenario, profile, u, o, planned, progress, transports);
          if (m.results.runs.some((r) => r.state === 'errored')) failed = true;
          cases.push({ ...base, resultsFile: m.resultsFile, runs: m.results.runs, tcp: m.tcp, extrapolatedFrom: null, ...(ruledOut.length ? { ruledOut } : {}) });
        } catch (e) {
          if (!(e instanceof EnvironmentError)) throw e;
          extrapolate(`the run stopped: ${e.message}`);
        }
      }
    }
  }
  const latency = o.latency ? await measureLatency(scenario, o.delayMs, o.transports, o.resultsDir, progress) : null;
  if (latency?.modes.some((m) => m.error)) failed = true;

  const sinceSeq = Math.max(1, Math.round(scenario.rate * o.durationS));
  const results: KaazingResults = {
    tool: 'pushbench',
    kind: 'kaazing',
    schemaVersion: KAAZING_SCHEMA_VERSION,
    startedAt,
    finishedAt: new Date().toISOString(),
    environment: environment(),
    command: o.command,
    rate: scenario.rate,
    payloadBytes: scenario.payloadBytes,
    durationS: o.durationS,
    article: scenario.article,
    framing: { ...framingModel(scenario.payloadBytes), measured: await measureWsFrames(scenario.payloadBytes).catch(() => undefined) },
    profiles: o.profiles.map((p) => profileHeads(loadProfile(p), scenario.payloadBytes, sinceSeq)),
    cases,
    latency,
  };
  return { results, failed };
}
