/**
 * Runs a scenario: for every transport (and every repeat, interleaved), a fresh server process and fresh client
 * worker processes, through the phases connect → publish → drain → snapshot → close, and one TransportRun each.
 */
import { ChildFailure, ChildScope, RECEIVER_NODE_ARGS, isStopping, killAll, reap, spawnChild, type Child } from './children.js';
import { execFileSync } from 'node:child_process';
import { environment, machineLimits } from '../measure/environment.js';
import { busiestWorkerSeconds, judgeMachine, MachineSampler, perSecond, SATURATED_SHARE, workerSaturated, type MachineSample } from '../measure/machine.js';
import { perConnectionBytes, rssSlope, RSS_READINGS } from '../measure/memory.js';
import { judgeSteadyState } from '../measure/steady.js';
import { EnvironmentError } from '../errors.js';
import { nowUs } from '../protocol/feed.js';
import { latencyStats, mergeEncoded } from '../../results/histogram.js';
import { mergeTimelines, timelineBucketS } from '../../results/timeline.js';
import type { FromServer, FromWorker, ToServer, ToWorker, WorkerTally } from './ipc.js';
import { cpuSplit, MAX_CONNECTING, planFor, resolveConnectRate, type Limits, type PlannedRun } from './plan.js';
import { addCpuSplit, worstLoopDelay, type ProcessCostSample } from '../measure/proc-stats.js';
import type {
  CompletedTransportRun,
  DirectionBytes,
  TlsWireStats,
  H2FrameKindBytes,
  H2WireStats,
  LiveSample,
  MachineStats,
  MemoryStats,
  ProcessCost,
  ResultsFile,
  RunPlan,
  RunOptions,
  TransportName,
  TransportOptions,
  TransportRun,
  PublishLateness,
} from '../../results/types.js';
import { SCHEMA_VERSION } from '../../results/types.js';
import type { FaultTransportStats } from '../../results/types.js';
import { FaultRun } from '../faults/run.js';
import { staggerSlots } from './pattern.js';
import { TLS13_RECORD_OVERHEAD_BYTES, generateCertificate, type TlsMaterial } from '../protocol/tls.js';
import type { ModelPart } from '../transports/client.js';
import { emptyH2Bytes } from '../protocol/h2/frames.js';
import { addH2Bytes } from '../protocol/h2/client.js';
import { addClientWires, checkServerAvailable, kindOf, runWire, serverConfigFields, withBothEnds } from '../servers/hooks.js';

export interface RunHooks {
  /** About once a second during a run, and at every phase change. */
  onSample?: (sample: LiveSample) => void;
  /** A transport run has finished (completed or errored). */
  onTransportDone?: (run: TransportRun) => void;
  /** Overrides the machine's limits (tests). */
  limits?: Limits;
  /** Where the clients dial instead of the server itself (a delay proxy in front of it, for latency studies). */
  dialAddress?: (server: { host: string; port: number; transport: TransportName }) => Promise<{ host: string; port: number }>;
}

/** A worker busier than SATURATED_SHARE of one core (second by second), or with a worse event-loop delay, cannot be trusted to keep time. */
const SATURATED_LOOP_P99_MS = 200;
/** Lead time between telling the server to publish and its first message, so every process has the order. */
const PUBLISH_LEAD_US = 300_000;

type ServerChild = Child<ToServer, FromServer>;
type WorkerChild = Child<ToWorker, FromWorker>;

/** Pins a process (and the threads and children it starts later) to these cores. */
function pin(pid: number | undefined, cores: number[]): void {
  if (pid === undefined) return;
  execFileSync('taskset', ['-a', '-p', '-c', cores.join(','), String(pid)], { stdio: 'ignore' });
}

export function transportOptions(o: RunOptions): TransportOptions {
  return {
    intervalMs: o.intervalMs,
    longPollTimeoutMs: o.longPollTimeoutMs,
    perMessageDeflate: o.perMessageDeflate,
    ...(o.tls ? { tls: true } : {}),
    ...(o.protocol === 'h2' || o.protocol === 'h2c' ? { protocol: o.protocol } : {}),
    ...(o.heartbeatMs ? { heartbeatMs: o.heartbeatMs } : {}),
    ...(o.resume === false ? { resume: false } : {}),
  };
}

/**
 * `given`: the plan the caller already made for these options (to print it, or to refuse before starting); made
 * here from `hooks.limits` or the machine's when absent. Every transport and repeat runs on this one plan.
 */
export async function runScenario(options: RunOptions, hooks: RunHooks = {}, given?: PlannedRun): Promise<ResultsFile> {
  const startedAt = new Date().toISOString();
  // Fail before anything starts if the machine cannot hold the plan.
  const planned = given ?? planFor(options, hooks.limits ?? machineLimits());
  if (options.cpuSplit && cpuSplit(planned.limits.cpus)) {
    try {
      execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    } catch {
      throw new EnvironmentError('--cpu-split needs taskset (util-linux) to pin processes to cores; install it or leave --cpu-split out');
    }
  }
  const plannedClients = planned.plan.clientsPerWorker.reduce((a, b) => a + b, 0);
  if (plannedClients !== options.clients) throw new Error(`runScenario was handed a plan for ${plannedClients} clients, not the ${options.clients} asked for`);
  await checkServerAvailable(options);
  const runs: TransportRun[] = [];
  // One throw-away certificate per run, made before anything starts (no openssl: exit 3 with the fix).
  const tlsMaterial = options.tls ? generateCertificate() : undefined;
  const t0 = Date.now();
  const faults: FaultTransportStats[] = [];
  for (let repeat = 0; repeat < options.repeat; repeat++) {
    for (const transport of options.transports) {
      let run: TransportRun;
      try {
        run = await runTransport(options, transport, repeat, planned, hooks, t0, tlsMaterial, faults);
      } catch (e) {
        killAll();
        if (e instanceof EnvironmentError || isStopping()) throw e;
        run = { ...runBase(options, transport, repeat), state: 'errored', error: (e as Error).message };
      }
      runs.push(run);
      hooks.onTransportDone?.(run);
    }
  }
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: 'pushbench',
    scenario: options.scenario,
    startedAt,
    finishedAt: new Date().toISOString(),
    environment: environment(),
    options,
    runs,
    ...(options.fault ? { faults: { spec: options.fault, resume: options.resume !== false, heartbeatMs: options.heartbeatMs ?? 0, transports: faults } } : {}),
  };
}

function runBase(o: RunOptions, transport: TransportName, repeat: number) {
  return {
    transport,
    repeat,
    clients: o.clients,
    rate: o.rate,
    payloadBytes: o.payloadBytes,
    durationS: o.durationS,
    profile: o.profile,
    transportOptions: transportOptions(o),
    pattern: o.pattern ?? 'broadcast',
  };
}

async function runTransport(
  o: RunOptions,
  transport: TransportName,
  repeat: number,
  { plan, limits }: PlannedRun,
  hooks: RunHooks,
  t0: number,
  tlsMaterial?: TlsMaterial,
  faults: FaultTransportStats[] = [],
): Promise<CompletedTransportRun> {
  const options = transportOptions(o);
  let phase: LiveSample['phase'] = 'starting';
  let published = 0;
  const serverCost: { sample: ProcessCostSample | null } = { sample: null };
  const progress = new Map<number, Extract<FromWorker, { type: 'progress' }>>();
  let lastSampleReceived = 0;
  let lastSampleBytes = 0;
  let lastSampleAt = Date.now();
  const emit = (): void => {
    if (!hooks.onSample) return;
    const now = Date.now();
    const dt = Math.max(0.001, (now - lastSampleAt) / 1000);
    let connected = 0;
    let received = 0;
    let bytes = 0;
    let p50 = 0;
    let p99 = 0;
    const processes: LiveSample['processes'] = [];
    for (const p of progress.values()) {
      connected += p.subscribed;
      received += p.received;
      bytes += p.bytesReceived;
      p50 = Math.max(p50, p.latencyP50Us);
      p99 = Math.max(p99, p.latencyP99Us);
      processes.push(processShare('client', p.cost));
    }
    if (serverCost.sample) processes.unshift(processShare('server', serverCost.sample));
    hooks.onSample({
      tMs: now - t0,
      transport,
      phase,
      clients: o.clients,
      connected,
      published,
      messagesPerS: Math.max(0, received - lastSampleReceived) / dt,
      bytesPerS: Math.max(0, bytes - lastSampleBytes) / dt,
      latencyMs: p99 > 0 ? { p50: p50 / 1000, p99: p99 / 1000 } : null,
      processes,
    });
    lastSampleReceived = received;
    lastSampleBytes = bytes;
    lastSampleAt = now;
  };
  const setPhase = (p: LiveSample['phase']): void => {
    phase = p;
    emit();
  };
  const ticker = setInterval(emit, 1000);

  const split = o.cpuSplit ? cpuSplit(limits.cpus) : null;
  // Any child's death fails whatever the run waits for at that moment (children.ts ChildScope).
  const scope = new ChildScope();
  // `let`: a server-restart fault replaces the process (its successor joins the scope).
  let server: ServerChild = spawnChild('server-process', `${transport} server`, scope);
  const workers: WorkerChild[] = [];
  let sampler: MachineSampler | null = null;
  let fault: FaultRun | null = null;
  const onServer = (m: FromServer): void => {
    if (m.type === 'sample') {
      serverCost.sample = m.cost;
      published = m.published;
      fault?.onServerSample(m.cost, m.bufferedBytes);
    }
  };
  const serverConfig = {
    transport,
    host: o.host,
    port: o.port,
    profile: o.profile,
    payloadBytes: o.payloadBytes,
    options,
    injectServerCostUs: o.injectServerCostUs,
    processes: plan.serverProcesses,
    ...(tlsMaterial ? { tls: tlsMaterial } : {}),
    ...(o.pattern === 'staggered' ? { slots: staggerSlots(o.pattern, o.rate) } : {}),
    ...serverConfigFields(o, plan),
  };
  try {
    // Before it forks cluster workers: they inherit the affinity.
    if (split) pin(server.process.pid, split.server);
    server.on(onServer);
    setPhase('starting');
    server.send({ type: 'start', config: serverConfig });
    let port: number;
    let serverHost = o.host;
    try {
      const listening = await server.next<Extract<FromServer, { type: 'listening' }>>('listening', 45_000);
      port = listening.port;
      serverHost = listening.host ?? o.host;
    } catch (e) {
      if (e instanceof ChildFailure && e.code === 'EADDRINUSE') {
        throw new EnvironmentError(`port ${o.port} on ${o.host} is already in use; free it or choose another with --port (0 picks a free one)`);
      }
      if (e instanceof ChildFailure && (e.code === 'EADDRNOTAVAIL' || e.code === 'EACCES')) {
        throw new EnvironmentError(`cannot listen on ${o.host}:${o.port} (${e.code}); use a loopback address and a port above 1023`);
      }
      throw e;
    }
    // Memory is a measurement like any other: a server too busy to answer in time leaves it out, it does not fail the run.
    const readingAt = (): Promise<{ rssBytes: number; connections: number } | null> => {
      const m = server.next<Extract<FromServer, { type: 'memory' }>>('memory', 30_000);
      server.send({ type: 'memory' });
      return m.then(
        (r) => ({ rssBytes: r.rssBytes, connections: r.connections ?? 0 }),
        (e: unknown) => {
          if (e instanceof ChildFailure && e.code === 'TIMEOUT') return null;
          throw e;
        },
      );
    };
    const reading = async (): Promise<number | null> => (await readingAt())?.rssBytes ?? null;
    // Several readings: one alone is within the noise of the next (harness/measure/memory.ts).
    const memory = async (): Promise<number[] | null> => {
      const out: number[] = [];
      for (let i = 0; i < RSS_READINGS; i++) {
        const r = await reading();
        if (r === null) return null;
        out.push(r);
      }
      return out;
    };
    const serverIdleRss = await memory();

    if (o.fault) fault = await FaultRun.prepare(o, { host: serverHost, port });
    const dialled = fault?.dial ?? (hooks.dialAddress ? await hooks.dialAddress({ host: serverHost, port, transport }) : { host: serverHost, port });
    setPhase('connecting');
    const connectStart = Date.now();
    const connectRate = resolveConnectRate(o.connectRate, o.clients);
    const workerRate = connectRate.ratePerS > 0 ? connectRate.ratePerS / plan.workers : 0;
    for (let i = 0; i < plan.workers; i++) {
      const w: WorkerChild = spawnChild('client-worker', `${transport} client worker ${i + 1}`, scope, RECEIVER_NODE_ARGS);
      if (split) pin(w.process.pid, split.clients);
      w.on((m) => {
        if (m.type === 'progress') progress.set(i, m);
      });
      w.send({
        type: 'start',
        config: {
          transport,
          host: dialled.host,
          port: dialled.port,
          localAddresses: plan.localAddresses,
          firstClient: plan.clientsPerWorker.slice(0, i).reduce((a, b) => a + b, 0),
          localPortBase: plan.localPortBase,
          clients: plan.clientsPerWorker[i]!,
          connectRate: workerRate,
          ...(workerRate > 0 ? { maxConnecting: Math.ceil(MAX_CONNECTING / plan.workers) } : {}),
          profile: o.profile,
          options,
          ...(tlsMaterial ? { tlsCa: tlsMaterial.cert } : {}),
          server: kindOf(o),
          ...(fault ? { fault: fault.workerConfig() } : {}),
        },
      });
      workers.push(w);
    }
    // Connecting may take as long as the asked connect rate needs, plus slack for a busy machine.
    // A reading at each quarter of a ramp long enough to have quarters: the slope of memory against connections,
    // free of the process's base. One reading at a time: a reply answers whichever request waits.
    const rampPoints: Array<{ connections: number; rssBytes: number }> = [];
    let rampReading: Promise<void> = Promise.resolve();
    let nextQuarter = 1;
    const rampTimer = setInterval(() => {
      let connected = 0;
      for (const p of progress.values()) connected += p.subscribed;
      const quarter = Math.floor((connected * 4) / o.clients);
      if (quarter >= nextQuarter && quarter < 4) {
        nextQuarter = quarter + 1;
        rampReading = rampReading.then(async () => {
          const r = await readingAt().catch(() => null);
          if (r) rampPoints.push(r);
        });
      }
    }, 500);
    const connectBudgetMs = 30_000 + (connectRate.ratePerS > 0 ? (o.clients / connectRate.ratePerS) * 2000 : o.clients * 2);
    const subscribed = await Promise.allSettled(
      workers.map((w) => w.next<Extract<FromWorker, { type: 'subscribed' }>>('subscribed', connectBudgetMs)),
    );
    clearInterval(rampTimer);
    await rampReading;
    const fatal = subscribed.find((s) => s.status === 'rejected' && !(s.reason instanceof ChildFailure && s.reason.code === 'TIMEOUT'));
    if (fatal && fatal.status === 'rejected') throw fatal.reason;
    const connectMs = Date.now() - connectStart;
    // A server that died while clients connected (nothing was waiting on it then) fails the run now, not after the
    // publish timeout.
    if (server.process.exitCode !== null || server.process.signalCode !== null) {
      const tail = server.stderrTail();
      throw new ChildFailure(`${transport} server exited (${server.process.signalCode ?? `code ${server.process.exitCode}`}) while clients connected${tail ? `: ${tail}` : ''}`);
    }
    const workerMemory = subscribed.map((s) => (s.status === 'fulfilled' ? s.value : null));
    const serverConnectedRss = await memory();
    const clientsAll = workerMemory.every((m) => m && m.idleRssBytes !== undefined && m.rssBytes !== undefined);
    const memoryStats: MemoryStats | undefined =
      clientsAll && serverIdleRss !== null && serverConnectedRss !== null
        ? perConnection(
            workerMemory.reduce((a, m) => a + (m?.subscribed ?? 0), 0),
            serverIdleRss,
            serverConnectedRss,
            workerMemory.map((m) => [m!.idleRssSamples ?? [m!.idleRssBytes!], m!.rssSamples ?? [m!.rssBytes!]]),
          )
        : undefined;
    if (memoryStats && rampPoints.length > 0) {
      const slope = rssSlope([
        { connections: 0, rssBytes: memoryStats.serverIdleRssBytes },
        ...rampPoints,
        { connections: workerMemory.reduce((a, m) => a + (m?.subscribed ?? 0), 0), rssBytes: memoryStats.serverConnectedRssBytes },
      ]);
      if (slope !== null) memoryStats.serverSlopeBytesPerConnection = slope;
    }

    setPhase('publishing');
    const count = Math.max(1, Math.round(o.rate * o.durationS));
    const startUs = nowUs() + PUBLISH_LEAD_US;
    sampler = new MachineSampler(server.process.pid ?? 0, workers.map((w) => w.process.pid ?? 0));
    const samplerStart = setTimeout(() => sampler?.start(), PUBLISH_LEAD_US / 1000);
    const latencyFromUs = startUs + (o.warmupS ?? 0) * 1e6;
    for (const w of workers) w.send({ type: 'window', startUs, bucketS: timelineBucketS(o.durationS), latencyFromUs, finalSeq: count });
    // An overloaded server publishes late, and a late run is a finding (judged overloaded), not an error: allow it
    // three times the schedule before calling the server stuck.
    const publishTimeoutMs = (o.durationS * 3 + 120) * 1000;
    let publishedMsg = server.next<Extract<FromServer, { type: 'published' }>>('published', publishTimeoutMs);
    server.send({ type: 'publish', count, rate: o.rate, startUs });
    fault?.inject({
      startUs,
      rate: o.rate,
      count,
      tell: (msg) => workers.forEach((w) => w.send(msg)),
      restartServer: async (downMs) => {
        // Killed on purpose: not a death that errors the run (the wait on its 'published' is handled below).
        scope.expectExit(server.process);
        server.process.kill('SIGKILL');
        await reap([server.process], 5_000);
        await new Promise((r) => setTimeout(r, downMs));
        server = spawnChild('server-process', `${transport} server (restarted)`, scope);
        if (split) pin(server.process.pid, split.server);
        server.on(onServer);
        publishedMsg = server.next<Extract<FromServer, { type: 'published' }>>('published', publishTimeoutMs);
        server.send({ type: 'start', config: { ...serverConfig, port, resumeFeed: { count, rate: o.rate, startUs } } });
        await server.next('listening', 15_000);
      },
      resetConnections: async () => {
        const reset = server.next<Extract<FromServer, { type: 'reset' }>>('reset', 15_000);
        server.send({ type: 'reset-all' });
        return (await reset).connections;
      },
    });
    // A restart kills the server that was to say 'published' on purpose: wait for its successor instead.
    const awaitPublished = async (): Promise<Extract<FromServer, { type: 'published' }>> => {
      for (;;) {
        const waiting = publishedMsg;
        try {
          return await waiting;
        } catch (e) {
          if (!fault?.restarting) throw e;
          await fault.restarting;
          if (fault.failure) throw fault.failure;
          if (publishedMsg === waiting) throw e;
        }
      }
    };
    const { lastSeq, lateness } = await awaitPublished();
    published = lastSeq;

    setPhase('draining');
    const done = workers.map((w) => w.next('done', o.drainTimeoutMs));
    for (const w of workers) w.send({ type: 'finish', lastSeq });
    const drained = await Promise.allSettled(done);
    if (drained.some((d) => d.status === 'rejected')) {
      for (const w of workers) w.send({ type: 'stop' });
      await Promise.allSettled(workers.map((w) => w.next('done', 10_000)));
    }
    const snapshot = server.next<Extract<FromServer, { type: 'snapshot' }>>('snapshot', 15_000);
    server.send({ type: 'snapshot' });
    const snap = await snapshot;
    // N messages at `rate` occupy N / rate seconds (not the (N - 1) / rate between first and last); a slow drain
    // stretches the window further.
    const windowS = Math.max(lastSeq / o.rate, (nowUs() - startUs) / 1e6);
    clearTimeout(samplerStart);
    const machineSamples = sampler.stop();
    sampler = null;
    const reports = await Promise.all(
      workers.map((w) => {
        const r = w.next<Extract<FromWorker, { type: 'report' }>>('report', 30_000);
        w.send({ type: 'report' });
        return r;
      }),
    );

    scope.settle();
    setPhase('closing');
    for (const w of workers) w.send({ type: 'close' });
    await reap(workers.map((w) => w.process), 5_000);
    server.process.kill('SIGTERM');
    await reap([server.process], 5_000);
    setPhase('done');

    // Bytes at both ends: the clients count theirs for every server kind; the run's figures are the server's where
    // it counted its own sockets.
    const clientWire = addClientWires(reports.map((r) => r.tally.wire));
    const serverCounted = snap.wireAt !== 'clients';
    const run = assemble(o, transport, repeat, {
      port,
      count: lastSeq,
      windowS,
      connectMs,
      snap: { ...snap, wire: runWire(kindOf(o), snap.wire, serverCounted, clientWire) },
      lateness,
      reports: reports.map((r) => ({ tally: r.tally, cost: r.cost, nodeArgs: r.nodeArgs })),
      memory: memoryStats,
      machineSamples,
      cores: limits.cpus,
      plan: {
        serverProcesses: plan.serverProcesses,
        clientWorkers: plan.workers,
        localAddresses: plan.localAddresses,
        serverFds: plan.serverFds,
        workerFds: plan.workerFds,
        openFilesLimit: limits.openFiles,
        connectRatePerS: connectRate.ratePerS,
        connectRateAuto: connectRate.auto,
        ...(split ? { cpuSplit: split } : {}),
      },
    });
    const completed = withBothEnds(run, kindOf(o), snap.wire, serverCounted, clientWire);
    if (fault) faults.push(fault.collect(completed, reports.flatMap((r) => (r.fault ? [r.fault] : []))));
    return completed;
  } finally {
    clearInterval(ticker);
    sampler?.stop();
    await fault?.close();
    for (const w of workers) w.process.kill('SIGKILL');
    server.process.kill('SIGKILL');
  }
}

/**
 * (connected - idle) / connections for the server (its processes' sum, read together) and the client workers (each
 * worker's readings), from several readings of each state, null with the reason within the noise. Exported for tests.
 */
export function perConnection(
  connections: number,
  serverIdle: number | number[],
  serverConnected: number | number[],
  workers: Array<[number | number[], number | number[]]>,
): MemoryStats {
  const list = (x: number | number[]): number[] => (Array.isArray(x) ? x : [x]);
  const srv = perConnectionBytes(connections, [list(serverIdle)], [list(serverConnected)]);
  const cli = perConnectionBytes(connections, workers.map(([i]) => list(i)), workers.map(([, c]) => list(c)));
  return {
    serverIdleRssBytes: srv.idleBytes,
    serverConnectedRssBytes: srv.connectedBytes,
    serverBytesPerConnection: srv.bytesPerConnection,
    serverNoiseBytes: srv.noiseBytes,
    ...(srv.reason ? { serverReason: srv.reason } : {}),
    clientIdleRssBytes: cli.idleBytes,
    clientConnectedRssBytes: cli.connectedBytes,
    clientBytesPerConnection: cli.bytesPerConnection,
    clientNoiseBytes: cli.noiseBytes,
    ...(cli.reason ? { clientReason: cli.reason } : {}),
  };
}


/** The user/system split and voluntary context switches of one or more costs, added and rounded as a results file holds them (none when unmeasured). */
function cpuSplitFields(parts: readonly ProcessCostSample[]): Pick<ProcessCost, 'userSeconds' | 'systemSeconds' | 'voluntaryContextSwitches'> {
  const { userSeconds, systemSeconds, voluntaryContextSwitches } = addCpuSplit(parts);
  return userSeconds === undefined ? {} : { userSeconds: round(userSeconds), systemSeconds: round(systemSeconds!), voluntaryContextSwitches };
}

function processShare(role: 'server' | 'client', cost: ProcessCostSample): LiveSample['processes'][number] {
  return { role, pid: cost.pid, cpuPercent: cost.wallSeconds > 0 ? (100 * cost.cpuSeconds) / cost.wallSeconds : 0, rssBytes: cost.rssBytes };
}

const round = (n: number, digits = 3): number => Math.round(n * 10 ** digits) / 10 ** digits;
const sameBytes = (a: { c2sBytes: number; s2cBytes: number }, b: { c2sBytes: number; s2cBytes: number }): boolean =>
  a.c2sBytes === b.c2sBytes && a.s2cBytes === b.s2cBytes;

interface Collected {
  port: number;
  count: number;
  windowS: number;
  connectMs: number;
  snap: Extract<FromServer, { type: 'snapshot' }>;
  /** How late the server published each message (absent in tests that assemble by hand). */
  lateness?: PublishLateness;
  reports: Array<{ tally: WorkerTally; cost: ProcessCostSample; nodeArgs?: string[] }>;
  memory?: MemoryStats;
  plan?: RunPlan;
  /** The machine and every process, sampled once a second through the window (harness/measure/machine.ts). */
  machineSamples?: MachineSample[];
  cores?: number;
}

type ModelTotals = DirectionBytes & { setup: DirectionBytes; preWindow: DirectionBytes; postWindow: DirectionBytes };

/**
 * Both layers of a TLS run. The ciphertext model of every part after set-up: the plaintext model plus 22 bytes per
 * record (RFC 8446 §5.2), records counted one per write; of set-up, what the clients' own sockets counted (the
 * handshake's certificate, signature and tickets are not modelled), held against the server's count.
 */
function tlsWire(w: Collected['snap']['wire'], plainModel: ModelTotals, tallies: WorkerTally[], perMsg: (n: number) => number): { model: ModelTotals; stats: TlsWireStats } {
  const p = w.plaintext!;
  const sum = (f: (t: WorkerTally) => number): number => tallies.reduce((a, t) => a + f(t), 0);
  const rec = (part: ModelPart): number => sum((t) => t.model.records?.[part] ?? 0);
  const records: ModelTotals = {
    setup: { c2sBytes: rec('setupC2s'), s2cBytes: rec('setupS2c') },
    preWindow: { c2sBytes: rec('preC2s'), s2cBytes: rec('preS2c') },
    c2sBytes: rec('c2s'),
    s2cBytes: rec('s2c'),
    postWindow: { c2sBytes: rec('postC2s'), s2cBytes: rec('postS2c') },
  };
  const R = TLS13_RECORD_OVERHEAD_BYTES;
  const wrap = (plain: DirectionBytes, n: DirectionBytes): DirectionBytes => ({ c2sBytes: plain.c2sBytes + n.c2sBytes * R, s2cBytes: plain.s2cBytes + n.s2cBytes * R });
  const model: ModelTotals = {
    setup: { c2sBytes: sum((t) => t.model.tlsSetup?.c2s ?? 0), s2cBytes: sum((t) => t.model.tlsSetup?.s2c ?? 0) },
    preWindow: wrap(plainModel.preWindow, records.preWindow),
    ...wrap(plainModel, records),
    postWindow: wrap(plainModel.postWindow, records.postWindow),
  };
  const plaintext: ModelTotals = { setup: p.setup, preWindow: p.preWindow, ...p.window, postWindow: p.postWindow };
  return {
    model,
    stats: {
      version: p.version,
      cipher: p.cipher,
      recordOverheadBytes: R,
      plaintext,
      plaintextModel: plainModel,
      records,
      handshake: {
        c2sBytes: w.setup.c2sBytes - p.setup.c2sBytes - records.setup.c2sBytes * R,
        s2cBytes: w.setup.s2cBytes - p.setup.s2cBytes - records.setup.s2cBytes * R,
      },
      perMessage: {
        c2sBytes: perMsg(w.window.c2sBytes - p.window.c2sBytes),
        s2cBytes: perMsg(w.window.s2cBytes - p.window.s2cBytes),
      },
    },
  };
}

/** An HTTP/2 run's model by frame kind, added over workers, and the header bytes of first and later requests. */
function h2Wire(tallies: WorkerTally[]): H2WireStats | undefined {
  if (!tallies.some((t) => t.model.h2)) return undefined;
  const kinds = (part: ModelPart): H2FrameKindBytes => {
    const out = emptyH2Bytes();
    for (const t of tallies) if (t.model.h2) addH2Bytes(out, t.model.h2[part]);
    return out;
  };
  const requests = (part: ModelPart): number => tallies.reduce((a, t) => a + (t.model.h2Requests?.[part] ?? 0), 0);
  const stats: H2WireStats = {
    setup: { c2s: kinds('setupC2s'), s2c: kinds('setupS2c') },
    preWindow: { c2s: kinds('preC2s'), s2c: kinds('preS2c') },
    window: { c2s: kinds('c2s'), s2c: kinds('s2c') },
    postWindow: { c2s: kinds('postC2s'), s2c: kinds('postS2c') },
    requests: { setup: requests('setupC2s'), preWindow: requests('preC2s'), window: requests('c2s'), postWindow: requests('postC2s') },
    headerBlockBytesPerRequest: { first: { c2sBytes: 0, s2cBytes: 0 }, window: null },
    windowUpdatesSent: tallies.reduce((a, t) => a + (t.model.h2WindowUpdates ?? 0), 0),
  };
  const per = (n: number, d: number): number => (d > 0 ? round(n / d, 2) : 0);
  stats.headerBlockBytesPerRequest.first = {
    c2sBytes: per(stats.setup.c2s.headerBlocks, stats.requests.setup),
    s2cBytes: per(stats.setup.s2c.headerBlocks, stats.requests.setup),
  };
  if (stats.requests.window > 0) {
    stats.headerBlockBytesPerRequest.window = {
      c2sBytes: per(stats.window.c2s.headerBlocks, stats.requests.window),
      s2cBytes: per(stats.window.s2c.headerBlocks, stats.requests.window),
    };
  }
  return stats;
}

const sameTotals = (a: ModelTotals, b: ModelTotals): boolean =>
  sameBytes(a.setup, b.setup) && sameBytes(a.preWindow, b.preWindow) && sameBytes(a, b) && sameBytes(a.postWindow, b.postWindow);

/** Adds per-process counts, merges histograms, and derives the per-message figures. Exported for tests. */
export function assemble(o: RunOptions, transport: TransportName, repeat: number, c: Collected): CompletedTransportRun {
  const sum = (f: (t: WorkerTally) => number): number => c.reports.reduce((a, r) => a + f(r.tally), 0);
  const delivered = sum((t) => t.delivered);
  const expected = o.clients * c.count;
  const errors: Record<string, number> = {};
  for (const r of c.reports) for (const [k, v] of Object.entries(r.tally.errors)) errors[k] = (errors[k] ?? 0) + v;
  // The server's accept errors are connection errors too, marked so they are not taken for a client's.
  for (const [k, v] of Object.entries(c.snap.acceptErrors ?? {})) errors[`server:${k}`] = (errors[`server:${k}`] ?? 0) + v;
  const plainModel = {
    setup: { c2sBytes: sum((t) => t.model.setupC2s), s2cBytes: sum((t) => t.model.setupS2c) },
    preWindow: { c2sBytes: sum((t) => t.model.preC2s ?? 0), s2cBytes: sum((t) => t.model.preS2c ?? 0) },
    c2sBytes: sum((t) => t.model.c2s),
    s2cBytes: sum((t) => t.model.s2c),
    postWindow: { c2sBytes: sum((t) => t.model.postC2s ?? 0), s2cBytes: sum((t) => t.model.postS2c ?? 0) },
  };
  const w = c.snap.wire;
  // Only the window divides: bytes before the first message and after the last one are reported, not averaged in.
  const steadyC2s = w.window.c2sBytes;
  const steadyS2c = w.window.s2cBytes;
  const receivedBodyBytes = sum((t) => t.payloadBytes);
  const perMsg = (n: number): number => (delivered > 0 ? round(n / delivered) : 0);
  const tls = w.plaintext ? tlsWire(w, plainModel, c.reports.map((r) => r.tally), perMsg) : undefined;
  const model = tls ? tls.model : plainModel;
  const h2 = h2Wire(c.reports.map((r) => r.tally));
  // Over TLS the layer inside must equal the HTTP/WebSocket model too, part by part.
  const plainMatches = !tls || sameTotals(tls.stats.plaintext, plainModel);
  const subscribed = sum((t) => t.subscribed);
  const hist = mergeEncoded(c.reports.map((r) => r.tally.histogram));
  const clientCosts = c.reports.map((r) => r.cost);
  const busiest = clientCosts.reduce((a, s) => Math.max(a, s.wallSeconds > 0 ? s.cpuSeconds / s.wallSeconds : 0), 0);
  const loop = worstLoopDelay(clientCosts.map((s) => s.eventLoopDelay));
  // Second by second where the machine was sampled; the window's average only where it was not.
  const seconds = c.machineSamples && c.machineSamples.length > 2 ? busiestWorkerSeconds(perSecond(c.machineSamples).workerShares) : null;
  const cpuSaturated = seconds ? workerSaturated(seconds) : busiest >= SATURATED_SHARE;
  const saturationReason = cpuSaturated
    ? seconds
      ? `client worker ${seconds.worker + 1} was at ${Math.round(SATURATED_SHARE * 100)}% of a core or more in ${seconds.seconds} of ${seconds.of} s (peak ${Math.round(seconds.peak * 100)}%)`
      : `a client worker used ${Math.round(busiest * 100)}% of a core`
    : loop.p99Ms >= SATURATED_LOOP_P99_MS
      ? `a client worker's event-loop delay p99 was ${loop.p99Ms} ms`
      : null;
  const machine: MachineStats | null = c.machineSamples && c.cores ? judgeMachine(c.machineSamples, c.cores) : null;
  const overTime = mergeTimelines(
    c.reports.map((r) => r.tally.timeline),
    timelineBucketS(o.durationS),
  );
  const serverCpu = c.snap.cost.cpuSeconds;
  return {
    ...runBase(o, transport, repeat),
    state: 'completed',
    published: c.count,
    windowS: round(c.windowS),
    connect: { connected: subscribed, durationMs: c.connectMs, errors, rampPerS: c.connectMs > 0 ? round((subscribed * 1000) / c.connectMs, 1) : 0 },
    messages: {
      expected,
      delivered,
      lost: Math.max(0, expected - delivered),
      duplicated: sum((t) => t.duplicated),
      reordered: sum((t) => t.reordered),
    },
    wire: {
      setup: w.setup,
      preWindow: w.preWindow,
      c2sBytes: steadyC2s,
      s2cBytes: steadyS2c,
      postWindow: w.postWindow,
      receivedBodyBytes,
      perMessage: { c2sOverheadBytes: perMsg(steadyC2s), s2cOverheadBytes: perMsg(steadyS2c - receivedBodyBytes) },
      perConnection: { setupBytes: subscribed > 0 ? round((w.setup.c2sBytes + w.setup.s2cBytes) / subscribed) : 0 },
      model,
      ...(tls ? { tls: tls.stats } : {}),
      ...(h2 ? { h2 } : {}),
      matchesModel:
        plainMatches &&
        sameBytes(model.setup, w.setup) &&
        sameBytes(model.preWindow, w.preWindow) &&
        model.c2sBytes === steadyC2s &&
        model.s2cBytes === steadyS2c &&
        sameBytes(model.postWindow, w.postWindow),
    },
    throughput: {
      messagesPerS: round(delivered / c.windowS, 1),
      c2sBitsPerS: Math.round((steadyC2s * 8) / c.windowS),
      s2cBitsPerS: Math.round((steadyS2c * 8) / c.windowS),
    },
    latencyMs: { ...latencyStats(hist), overTime },
    steady: judgeSteadyState(overTime, o.warmupS ?? 0),
    server: {
      address: `${o.host}:${c.port}`,
      processes: c.snap.parts ? Math.max(1, c.snap.parts.filter((p) => p.role !== 'primary').length) : 1,
      cpuSeconds: round(serverCpu),
      ...cpuSplitFields([c.snap.cost]),
      cpuSecondsPerMessage: delivered > 0 ? serverCpu / delivered : 0,
      maxRssBytes: c.snap.cost.maxRssBytes,
      rssBytes: c.snap.cost.rssBytes,
      eventLoopDelay: c.snap.cost.eventLoopDelay,
      connections: w.connections,
      ...(c.snap.parts
        ? {
            perProcess: c.snap.parts.map((p) => ({
              pid: p.pid,
              role: p.role,
              cpuSeconds: round(p.cost.cpuSeconds),
              rssBytes: p.cost.rssBytes,
              maxRssBytes: p.cost.maxRssBytes,
              connections: p.wire.connections,
              setup: p.wire.setup,
              preWindow: p.wire.preWindow,
              window: p.wire.window,
              postWindow: p.wire.postWindow,
              total: p.wire.total,
              eventLoopDelay: p.cost.eventLoopDelay,
            })),
          }
        : {}),
      ...(c.snap.acceptErrors && Object.keys(c.snap.acceptErrors).length > 0 ? { acceptErrors: c.snap.acceptErrors } : {}),
      ...(c.lateness ? { publishLateMs: c.lateness } : {}),
    },
    clientWorkers: {
      processes: c.reports.length,
      cpuSeconds: round(clientCosts.reduce((a, s) => a + s.cpuSeconds, 0)),
      ...cpuSplitFields(clientCosts),
      maxRssBytes: Math.max(0, ...clientCosts.map((s) => s.maxRssBytes)),
      rssBytes: clientCosts.reduce((a, s) => a + s.rssBytes, 0),
      eventLoopDelay: loop,
      saturated: saturationReason !== null,
      saturationReason,
      ...(c.reports[0]?.nodeArgs ? { nodeArgs: c.reports[0].nodeArgs } : {}),
      perProcess: c.reports.map((r) => ({
        pid: r.cost.pid,
        subscribed: r.tally.subscribed,
        delivered: r.tally.delivered,
        cpuSeconds: round(r.cost.cpuSeconds),
        rssBytes: r.cost.rssBytes,
        histogram: r.tally.histogram,
      })),
    },
    ...(c.memory ? { memory: c.memory } : {}),
    ...(c.plan ? { plan: c.plan } : {}),
    ...(machine ? { machine } : {}),
  };
}
