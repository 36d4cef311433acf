/**
 * The floor: CPU per message of a bare sender and a bare receiver on loopback sockets, measured on the machine at
 * hand. The sender writes one prepared frame to every socket per tick; the receiver reads into one shared buffer.
 * Nothing a transport does can cost less per message than this (the kernel's loopback path is most of it), so every
 * run's CPU per message is shown as a multiple of it. Sender and receiver are separate processes, as server and
 * clients are in a run.
 */
import { RECEIVER_NODE_ARGS, spawnChild, type Child } from '../run/children.js';
import { FD_RESERVE, planRun, type Limits } from '../run/plan.js';
import { readdirSync } from 'node:fs';
import { readFile } from '../../results/read.js';
import path from 'node:path';
import { FLOOR_SCHEMA_VERSION, isSpreadPoint, type FloorCost, type FloorPoint, type FloorResults, type FloorSample } from '../../results/floor.js';
import { median } from '../../results/stats.js';
import type { Environment, ResultsFile, RunOptions } from '../../results/types.js';
import { packageRoot } from '../paths.js';
import { writeResults } from '../../results/io.js';
import { environment, machineLimits } from './environment.js';

export type FloorToChild =
  | { type: 'serve'; host: string }
  | { type: 'connect'; host: string; ports: number[]; first: number; count: number }
  | { type: 'start'; role: 'sender'; frame: Uint8Array; ticks: number; periodMs: number; connections: number }
  | { type: 'start'; role: 'receiver'; expectedBytes: number }
  | { type: 'stop' };

/** Raw CPU of one side over its window, as a child reports it. */
export interface FloorSideCost {
  userUs: number;
  systemUs: number;
  messages: number;
  wallS: number;
  receivedBytes?: number;
}

export type FloorFromChild =
  | { type: 'listening'; port: number }
  | { type: 'connected'; count: number }
  | { type: 'ready' }
  | { type: 'done'; cost: FloorSideCost }
  | { type: 'fatal'; message: string; code?: string };

/** A WebSocket text frame (RFC 6455 §5.2, server to client, unmasked) around `payloadBytes` bytes: 23 B for 21. */
export function floorFrame(payloadBytes: number): Buffer {
  if (payloadBytes > 125) throw new RangeError('floor frames use the 7-bit length form: at most 125 payload bytes');
  const frame = Buffer.alloc(2 + payloadBytes, 0x61);
  frame[0] = 0x81;
  frame[1] = payloadBytes;
  return frame;
}

/** Per-message figures of one side: CPU over messages delivered, and CPU per second of its window. */
export function floorCost(raw: Pick<FloorSideCost, 'userUs' | 'systemUs' | 'wallS'>, messages: number): FloorCost {
  const per = (us: number): number => (messages > 0 ? us / messages : Number.NaN);
  return {
    userUsPerMessage: per(raw.userUs),
    systemUsPerMessage: per(raw.systemUs),
    cpuUsPerMessage: per(raw.userUs + raw.systemUs),
    cores: raw.wallS > 0 ? (raw.userUs + raw.systemUs) / 1e6 / raw.wallS : Number.NaN,
  };
}

/** The largest socket count one process can hold under an open-files limit, leaving the usual reserve. */
export function floorMaxConnections(openFiles: number): number {
  return Math.max(1, openFiles - FD_RESERVE);
}

/**
 * How many times the floor a measured cost is: e.g. a server at 12.2 µs/msg against a 10.1 µs floor is 1.21×.
 * Null when either is missing or not positive.
 */
export function floorRatio(measuredUsPerMessage: number | null | undefined, floorUsPerMessage: number | null | undefined): number | null {
  if (measuredUsPerMessage == null || floorUsPerMessage == null) return null;
  if (!(measuredUsPerMessage > 0) || !(floorUsPerMessage > 0)) return null;
  return measuredUsPerMessage / floorUsPerMessage;
}

export interface FloorOptions {
  counts: number[];
  host: string;
  payloadBytes: number;
  rate: number;
  durationS: number;
  /** Measurements of every count, interleaved; each point then holds the medians (default 1). */
  repeat?: number;
}

type FloorChild = Child<FloorToChild, FloorFromChild>;

/** How many sender and receiver processes hold a count of sockets. */
export interface FloorSplit {
  senders: number;
  receivers: number;
}

/**
 * Up to what one process may hold, one sender and one receiver; above, as a run of that many clients is planned
 * (harness/run/plan.ts): its server processes as senders, its client workers as receivers, so a 100,000-client run
 * is held against the floor of as many processes sharing the machine.
 */
export function floorSplit(connections: number, limits: Limits): FloorSplit {
  if (connections <= floorMaxConnections(limits.openFiles)) return { senders: 1, receivers: 1 };
  const plan = planRun(connections, 0, '127.0.0.1', limits);
  return { senders: plan.serverProcesses, receivers: plan.clientsPerWorker.length };
}

/** Part `i` of `total` cut into `n` near-equal parts (the first `total % n` one larger). */
export const floorShare = (total: number, n: number, i: number): number => Math.floor(total / n) + (i < total % n ? 1 : 0);

/** The sides' raw costs added up: CPU summed over the processes, the window the longest of theirs. */
export function sumSideCosts(costs: readonly FloorSideCost[]): FloorSideCost {
  return costs.reduce(
    (a, c) => ({
      userUs: a.userUs + c.userUs,
      systemUs: a.systemUs + c.systemUs,
      messages: a.messages + c.messages,
      wallS: Math.max(a.wallS, c.wallS),
      receivedBytes: (a.receivedBytes ?? 0) + (c.receivedBytes ?? 0),
    }),
    { userUs: 0, systemUs: 0, messages: 0, wallS: 0, receivedBytes: 0 },
  );
}

/**
 * Measures one connection count: connect, hold `durationS` of broadcasts at `rate`, read every side's CPU. Socket k
 * (counted across the receivers in order) goes to sender k mod senders, as a cluster deals connections out.
 */
export async function measureFloorPoint(opts: FloorOptions, connections: number, split: FloorSplit = { senders: 1, receivers: 1 }): Promise<FloorPoint> {
  const senders: FloorChild[] = Array.from({ length: split.senders }, (_, i) => spawnChild('floor-child', split.senders > 1 ? `floor sender ${i + 1}` : 'floor sender'));
  const receivers: FloorChild[] = Array.from({ length: split.receivers }, (_, i) => spawnChild('floor-child', split.receivers > 1 ? `floor receiver ${i + 1}` : 'floor receiver', undefined, RECEIVER_NODE_ARGS));
  try {
    // Every wait is set before any answer can arrive: a child's message that comes with no one waiting is not kept.
    const listening = senders.map((s) => s.next<{ type: 'listening'; port: number }>('listening', 10_000));
    for (const s of senders) s.send({ type: 'serve', host: opts.host });
    const ports = (await Promise.all(listening)).map((m) => m.port);
    const counts = receivers.map((_, j) => floorShare(connections, receivers.length, j));
    let first = 0;
    receivers.forEach((r, j) => {
      r.send({ type: 'connect', host: opts.host, ports, first, count: counts[j]! });
      first += counts[j]!;
    });
    await Promise.all(receivers.map((r, j) => r.next('connected', 60_000 + counts[j]! * 5 * receivers.length)));
    const frame = floorFrame(opts.payloadBytes);
    const ticks = Math.max(1, Math.round(opts.rate * opts.durationS));
    receivers.forEach((r, j) => r.send({ type: 'start', role: 'receiver', expectedBytes: frame.length * ticks * counts[j]! }));
    // Every receiver must have zeroed its count before the first frame leaves: the children's IPC is not ordered.
    await Promise.all(receivers.map((r) => r.next('ready', 10_000)));
    const receiversDone = receivers.map((r) => r.next<{ type: 'done'; cost: FloorSideCost }>('done', opts.durationS * 1000 + 60_000));
    senders.forEach((s, i) =>
      s.send({ type: 'start', role: 'sender', frame, ticks, periodMs: 1000 / opts.rate, connections: floorShare(connections, senders.length, i) }),
    );
    const s = sumSideCosts((await Promise.all(senders.map((x) => x.next<{ type: 'done'; cost: FloorSideCost }>('done', opts.durationS * 1000 + 60_000)))).map((m) => m.cost));
    const r = sumSideCosts((await Promise.all(receiversDone)).map((m) => m.cost));
    const delivered = Math.floor((r.receivedBytes ?? 0) / frame.length);
    if (delivered !== s.messages) throw new Error(`floor: ${s.messages} frames written but ${delivered} read`);
    return {
      connections,
      ...(split.senders > 1 || split.receivers > 1 ? { senders: split.senders, receivers: split.receivers } : {}),
      ticks,
      messages: delivered,
      sender: floorCost(s, delivered),
      receiver: floorCost(r, delivered),
    };
  } finally {
    for (const c of [...senders, ...receivers]) c.send({ type: 'stop' });
  }
}

/** What a run records of the floor it was held against. */
export interface FloorReference {
  /** The floor results file, as given or found. */
  file: string;
  startedAt: string;
  cpuModel: string;
  /**
   * The floor point used for each side: measured with the run's own process split (`processes` then says how many),
   * or the one-process point whose connection count is nearest the side's per-process count.
   */
  server: { connections: number; usPerMessage: number; userUs: number; systemUs: number; processes?: number };
  clients: { connections: number; usPerMessage: number; userUs: number; systemUs: number; processes?: number };
}

/** Among `points`, the one nearest `connections` on a log scale (10k is nearer 19k than 1k), or null when none. */
function nearest(points: readonly FloorPoint[], connections: number): FloorPoint | null {
  let best: FloorPoint | null = null;
  for (const p of points) {
    if (!best || Math.abs(Math.log(p.connections / connections)) < Math.abs(Math.log(best.connections / connections))) best = p;
  }
  return best;
}

/** The one-sender, one-receiver point of a floor file nearest a per-process connection count. */
export function nearestFloorPoint(points: readonly FloorPoint[], connections: number): FloorPoint | null {
  return nearest(points.filter((p) => !isSpreadPoint(p)), connections);
}

/**
 * The reference for a run of `clients` clients over `serverProcesses` server processes and `clientWorkers` workers.
 * A run of several is held against the spread point measured with as many senders and receivers (nearest in clients),
 * when the file has one; otherwise each side against the one-process point nearest its per-process count: the
 * sender's cost for the server, the receiver's for the clients.
 */
export function floorReferenceFor(
  floor: FloorResults,
  file: string,
  run: { clients: number; serverProcesses: number; clientWorkers: number },
): FloorReference | null {
  const clients = Math.max(1, run.clients);
  const servers = Math.max(1, run.serverProcesses);
  const workers = Math.max(1, run.clientWorkers);
  const sameSplit = floor.points.filter((p) => isSpreadPoint(p) && (p.senders ?? 1) === servers && (p.receivers ?? 1) === workers);
  const split = nearest(sameSplit, clients);
  const s = split ?? nearestFloorPoint(floor.points, clients / servers);
  const c = split ?? nearestFloorPoint(floor.points, clients / workers);
  if (!s || !c) return null;
  return {
    file,
    startedAt: floor.startedAt,
    cpuModel: floor.environment.cpuModel,
    server: { connections: s.connections, usPerMessage: s.sender.cpuUsPerMessage, userUs: s.sender.userUsPerMessage, systemUs: s.sender.systemUsPerMessage, ...(split ? { processes: split.senders ?? 1 } : {}) },
    clients: { connections: c.connections, usPerMessage: c.receiver.cpuUsPerMessage, userUs: c.receiver.userUsPerMessage, systemUs: c.receiver.systemUsPerMessage, ...(split ? { processes: split.receivers ?? 1 } : {}) },
  };
}

type FoundFloor = { file: string; floor: FloorResults };

/**
 * Every floor file measured on this kind of machine (same CPU model and count) among `dirs`, the one to prefer first.
 * A floor from another CPU is history, not this machine's floor. With `rate`, the files measured at that many
 * broadcasts a second come first (a run at 0.5 msg/s is held against a floor at 0.5/s when one exists); within each
 * group the newest first.
 */
export function floorCandidates(dirs: readonly string[], env: Pick<Environment, 'cpuModel' | 'cpuCount'>, rate?: number): FoundFloor[] {
  const found: FoundFloor[] = [];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(dir).filter((n) => n.startsWith('floor') && n.endsWith('.json'));
    } catch {
      continue;
    }
    for (const n of names) {
      const file = path.join(dir, n);
      try {
        // Through the one validating reader: a damaged floor file is skipped, never half-trusted.
        const f = readFile(file, ['floor']);
        if (f.points.length === 0) continue;
        if (f.environment?.cpuModel !== env.cpuModel || f.environment?.cpuCount !== env.cpuCount) continue;
        found.push({ file, floor: f });
      } catch {
        continue;
      }
    }
  }
  const atRate = (c: FoundFloor): number => (rate !== undefined && c.floor.rate === rate ? 0 : 1);
  return found.sort((a, b) => atRate(a) - atRate(b) || Date.parse(b.floor.startedAt) - Date.parse(a.floor.startedAt));
}

/**
 * Adds `cpuFloor` to every completed run: its server and client CPU per message beside the floor's sender and
 * receiver cost at the nearest per-process connection count, and the ratio of the two.
 */
export function applyFloor(results: ResultsFile, floor: FloorResults, file: string): void {
  for (const run of results.runs) {
    if (run.state !== 'completed' || run.messages.delivered <= 0) continue;
    const ref = floorReferenceFor(floor, file, { clients: run.clients, serverProcesses: run.server.processes, clientWorkers: run.clientWorkers.processes });
    if (!ref) continue;
    const serverUs = run.server.cpuSecondsPerMessage * 1e6;
    const clientUs = (run.clientWorkers.cpuSeconds / run.messages.delivered) * 1e6;
    run.cpuFloor = {
      file: ref.file,
      floorStartedAt: ref.startedAt,
      serverFloorUsPerMessage: ref.server.usPerMessage,
      serverFloorConnections: ref.server.connections,
      clientFloorUsPerMessage: ref.clients.usPerMessage,
      clientFloorConnections: ref.clients.connections,
      ...(ref.server.processes !== undefined ? { serverFloorProcesses: ref.server.processes } : {}),
      ...(ref.clients.processes !== undefined ? { clientFloorProcesses: ref.clients.processes } : {}),
      serverFloorUserUs: ref.server.userUs,
      serverFloorSystemUs: ref.server.systemUs,
      clientFloorUserUs: ref.clients.userUs,
      clientFloorSystemUs: ref.clients.systemUs,
      serverRatio: floorRatio(serverUs, ref.server.usPerMessage),
      clientRatio: floorRatio(clientUs, ref.clients.usPerMessage),
    };
  }
}

/** Below this many clients a run is not held against the floor unless a floor file already exists. */
export const FLOOR_MEASURE_MIN_CLIENTS = 1000;

/**
 * The floor for a run: the first of `floorCandidates` in `dirs` that holds a point for it (`usable`; a file of one
 * spread point has nothing for a one-process run), or, for a run of at least FLOOR_MEASURE_MIN_CLIENTS clients when
 * none does, one measured now at the run's per-process counts (5 s) and written to `saveDir` so the next run finds
 * it. Null (the ratio is then absent) for a small run with no floor file that serves it.
 */
export async function floorForRun(
  dirs: readonly string[],
  saveDir: string,
  clients: number,
  perProcessCounts: number[],
  note: (line: string) => void,
  rate?: number,
  usable: (floor: FloorResults) => boolean = () => true,
): Promise<FoundFloor | null> {
  const env = environment();
  const found = floorCandidates(dirs, env, rate).find((c) => usable(c.floor)) ?? null;
  if (found || clients < FLOOR_MEASURE_MIN_CLIENTS) return found;
  const max = floorMaxConnections(machineLimits().openFiles);
  // A run above one process's share is also held against the floor of its own process split (floorSplit).
  const counts = [...new Set([...perProcessCounts.map((n) => Math.max(1, Math.min(Math.round(n), max))), ...(clients > max ? [clients] : [])])].sort((a, b) => a - b);
  note(`no floor measured on this machine yet: measuring it first (pushbench floor --counts ${counts.join(',')} --duration 5)`);
  const floor = await measureFloor({ counts, host: '127.0.0.1', payloadBytes: 21, rate: 1, durationS: 5 });
  const file = path.resolve(saveDir, `floor-${floor.startedAt.replace(/[:.]/g, '-')}.json`);
  writeResults(floor as never, file);
  note(`floor: ${file}`);
  return { file, floor };
}

/** Each figure of a side: the median over the samples. */
function medianCost(costs: readonly FloorCost[]): FloorCost {
  const m = (k: keyof FloorCost): number => median(costs.map((c) => c[k]));
  return { userUsPerMessage: m('userUsPerMessage'), systemUsPerMessage: m('systemUsPerMessage'), cpuUsPerMessage: m('cpuUsPerMessage'), cores: m('cores') };
}

/**
 * One point out of several measurements of the same count: each side's figures are the medians, and every
 * measurement is kept (`repeats`). A single measurement is the point as it is.
 */
export function combineFloorPoints(measured: readonly FloorPoint[]): FloorPoint {
  const first = measured[0];
  if (!first) throw new RangeError('no floor measurement to combine');
  if (measured.length === 1) return first;
  const repeats: FloorSample[] = measured.map((p) => ({ sender: p.sender, receiver: p.receiver }));
  return { ...first, sender: medianCost(repeats.map((r) => r.sender)), receiver: medianCost(repeats.map((r) => r.receiver)), repeats };
}

/**
 * Measures every count into one floor results file; with `repeat`, every count once per round, the rounds one after
 * another, so each count's measurements are spread over the whole time the command runs.
 */
export async function measureFloor(opts: FloorOptions, onPoint?: (count: number, split: FloorSplit, round: number, rounds: number) => void): Promise<FloorResults> {
  const startedAt = new Date().toISOString();
  const env = environment();
  const limits = machineLimits();
  const rounds = Math.max(1, opts.repeat ?? 1);
  const measured: FloorPoint[][] = opts.counts.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [i, count] of opts.counts.entries()) {
      const split = floorSplit(count, limits);
      onPoint?.(count, split, round, rounds);
      measured[i]!.push(await measureFloorPoint(opts, count, split));
    }
  }
  const points = measured.map(combineFloorPoints);
  return {
    tool: 'pushbench',
    kind: 'floor',
    schemaVersion: FLOOR_SCHEMA_VERSION,
    startedAt,
    finishedAt: new Date().toISOString(),
    environment: env,
    frameBytes: opts.payloadBytes + 2,
    rate: opts.rate,
    durationS: opts.durationS,
    ...(rounds > 1 ? { repeat: rounds } : {}),
    points,
  };
}

/** Where floor files are looked for: the run's results folder and the published results. */
export function floorDirs(outDir: string): string[] {
  return [path.resolve(outDir), path.join(packageRoot, 'docs', 'results')];
}

/** The step `run` and `capacity` take after measuring: find (or measure) the floor and add the ratios. */
export async function holdAgainstFloor(
  results: ResultsFile,
  options: Pick<RunOptions, 'outDir' | 'clients' | 'rate'>,
  plan: { serverProcesses: number; clientsPerWorker: number[] },
  progress: { note(line: string): void },
): Promise<void> {
  const perServer = Math.ceil(options.clients / Math.max(1, plan.serverProcesses));
  const perWorker = Math.max(...plan.clientsPerWorker, 1);
  const shape = { clients: options.clients, serverProcesses: plan.serverProcesses, clientWorkers: plan.clientsPerWorker.length };
  const found = await floorForRun(floorDirs(options.outDir), options.outDir, options.clients, [perServer, perWorker], (l) => progress.note(l), options.rate, (f) => floorReferenceFor(f, '', shape) !== null);
  if (found) applyFloor(results, found.floor, path.relative(process.cwd(), found.file) || found.file);
}
