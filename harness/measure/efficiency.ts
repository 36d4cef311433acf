/**
 * The load generator's own efficiency, like for like, each generator in a process of its own against a fresh
 * server of the same kind:
 * - polling: pushbench's short-polling client against autocannon, polling back to back on the same number of
 *   keep-alive connections with byte-identical request heads; both count completed responses;
 * - WebSocket: pushbench's raw RFC 6455 client against the `ws` package's client (one `WebSocket` object per
 *   connection, what most Node WebSocket load tools build on), receiving the same broadcast; both count messages.
 * Each side's CPU is its whole process life from before it builds its connections to after it has closed them, so
 * construction and teardown count for both. Pairs alternate their order (A B, B A, ...) so a machine that drifts
 * does not favour one side; the figure is the median pair's ratio with the smallest and largest beside it.
 *
 * autocannon always adds `Connection: keep-alive` to its head, so pushbench's client sends the minimal profile's
 * head plus that same header here (`requestHeadBytes`).
 *
 * Run as a child (`node efficiency.js <kind> <port> <connections> <durationS|messages>`) it is one generator.
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { adopt, describeExit, reap, spawnChild, type Child } from '../run/children.js';
import type { FromServer, ToServer } from '../run/ipc.js';
import { nowUs } from '../protocol/feed.js';
import { loadProfile, type HeaderProfile } from '../protocol/profiles.js';
import { Tally, requestHead as clientRequestHead, responseHeadModel, type ClientContext, type SimClient } from '../transports/client.js';
import { createPollingClient } from '../transports/polling/client.js';
import { createWebSocketClient } from '../transports/websocket/client.js';
import type { EfficiencyResults, GeneratorFigures, GeneratorPair, TransportName, WebSocketEfficiency } from '../../results/types.js';

type GeneratorKind = 'pushbench-poll' | 'autocannon' | 'pushbench-ws' | 'ws';
interface GeneratorReport {
  requests: number;
  cpuSeconds: number;
}
type FromGenerator = ({ type: 'connected' } | { type: 'report' }) & Partial<GeneratorReport>;

const HOST = '127.0.0.1';
const OPTIONS = { intervalMs: 0, longPollTimeoutMs: 30_000, perMessageDeflate: false };

/** The minimal profile's poll head plus the header autocannon cannot leave out. */
export function comparableProfile(): HeaderProfile {
  const p = loadProfile('minimal');
  return { ...p, requests: { ...p.requests, poll: [...p.requests.poll, ['Connection', 'keep-alive']] } };
}

/** The head both generators send: what pushbench's polling client writes with the comparable profile. */
export function requestHead(port: number): string {
  const ctx = { host: HOST, port, profile: comparableProfile() } as ClientContext;
  return clientRequestHead(ctx, 'poll', `${ctx.profile.paths.poll}?since=0`).text;
}

/** The median of the pairs' ratios and the smallest and largest (the spread a reader should see). */
export function summarizePairs(pairs: readonly GeneratorPair[]): { ratio: number; ratioLow: number; ratioHigh: number; median: GeneratorPair | null } {
  if (pairs.length === 0) return { ratio: 0, ratioLow: 0, ratioHigh: 0, median: null };
  const sorted = [...pairs].sort((a, b) => a.ratio - b.ratio);
  // The lower median for an even count, so the figure is one pair's, never an average of two.
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return { ratio: median.ratio, ratioLow: sorted[0]!.ratio, ratioHigh: sorted[sorted.length - 1]!.ratio, median };
}

/** Requests per CPU second of one report. */
export function figures(r: GeneratorReport): GeneratorFigures {
  return { requests: r.requests, cpuSeconds: round3(r.cpuSeconds), requestsPerCpuS: r.cpuSeconds > 0 ? Math.round(r.requests / r.cpuSeconds) : 0 };
}

function clientContext(port: number, profile: HeaderProfile, tally: Tally, index: number): ClientContext {
  return { host: HOST, port, profile, options: OPTIONS, tally, index, onSubscribed: () => {}, onDone: () => {} };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---- the generators, each run in its own child process ----------------------------------------------------------

async function pushbenchPolls(port: number, connections: number, durationS: number): Promise<GeneratorReport> {
  const cpu0 = process.cpuUsage();
  const tally = new Tally();
  const profile = comparableProfile();
  const clients = Array.from({ length: connections }, (_, i) => createPollingClient(clientContext(port, profile, tally, i), false));
  for (const c of clients) c.start();
  await sleep(durationS * 1000);
  for (const c of clients) c.close();
  await sleep(50);
  const cpu = process.cpuUsage(cpu0);
  // Nothing is published, so every answered poll (cursor 0, empty body) is modelled before the window, and each is
  // the same number of bytes: their count is the number of completed responses.
  const emptyAnswer = responseHeadModel('HTTP/1.1 200 OK', profile.responses.poll)(0);
  return { requests: Math.round(tally.model.preS2c / emptyAnswer), cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

async function autocannonPolls(port: number, connections: number, durationS: number): Promise<GeneratorReport> {
  const cpu0 = process.cpuUsage();
  const { default: autocannon } = await import('autocannon');
  const result = await autocannon({
    url: `http://${HOST}:${port}`,
    connections,
    duration: durationS,
    requests: [{ method: 'GET', path: '/poll?since=0' }],
  });
  const cpu = process.cpuUsage(cpu0);
  // Completed responses, whatever their status (autocannon's `requests.total` counts sent ones too).
  return { requests: result['2xx'] + result.non2xx, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

/** Connects, says so (the harness then has the server publish), then counts until every connection has `messages` messages. */
async function receiveBroadcast(
  connections: number,
  messages: number,
  open: () => Promise<{ received: () => number; close: () => void }>,
): Promise<GeneratorReport> {
  const cpu0 = process.cpuUsage();
  const conn = await open();
  process.send!({ type: 'connected' } satisfies FromGenerator);
  const want = connections * messages;
  const deadline = Date.now() + 120_000;
  while (conn.received() < want && Date.now() < deadline) await sleep(10);
  const requests = conn.received();
  conn.close();
  await sleep(50);
  const cpu = process.cpuUsage(cpu0);
  return { requests, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

async function pushbenchWs(port: number, connections: number, messages: number): Promise<GeneratorReport> {
  return receiveBroadcast(connections, messages, async () => {
    const tally = new Tally();
    const profile = loadProfile('minimal');
    let subscribed = 0;
    const clients: SimClient[] = Array.from({ length: connections }, (_, i) =>
      createWebSocketClient({ ...clientContext(port, profile, tally, i), onSubscribed: () => subscribed++ }),
    );
    for (const c of clients) c.start();
    while (subscribed < connections) await sleep(10);
    return { received: () => tally.received, close: () => clients.forEach((c) => c.close()) };
  });
}

async function wsPackage(port: number, connections: number, messages: number): Promise<GeneratorReport> {
  return receiveBroadcast(connections, messages, async () => {
    const { WebSocket } = await import('ws');
    let received = 0;
    const path = loadProfile('minimal').paths.websocket;
    const sockets = await Promise.all(
      Array.from(
        { length: connections },
        () =>
          new Promise<InstanceType<typeof WebSocket>>((resolve, reject) => {
            const ws = new WebSocket(`ws://${HOST}:${port}${path}`, { perMessageDeflate: false });
            ws.on('message', () => received++);
            ws.once('open', () => resolve(ws));
            ws.once('error', reject);
          }),
      ),
    );
    return { received: () => received, close: () => sockets.forEach((s) => s.terminate()) };
  });
}

const GENERATORS: Record<GeneratorKind, (port: number, connections: number, n: number) => Promise<GeneratorReport>> = {
  'pushbench-poll': pushbenchPolls,
  autocannon: autocannonPolls,
  'pushbench-ws': pushbenchWs,
  ws: wsPackage,
};

// ---- the harness side -------------------------------------------------------------------------------------------

async function startServer(transport: TransportName): Promise<{ server: Child<ToServer, FromServer>; port: number }> {
  const server: Child<ToServer, FromServer> = spawnChild('server-process', `${transport} server (efficiency)`);
  server.send({
    type: 'start',
    config: { transport, host: HOST, port: 0, profile: 'minimal', payloadBytes: 21, options: OPTIONS, injectServerCostUs: 0, processes: 1 },
  });
  const { port } = await server.next<Extract<FromServer, { type: 'listening' }>>('listening', 15_000);
  return { server, port };
}

/** One generator in its own process against a fresh server; for a broadcast, the server publishes once it is connected. */
async function runGenerator(kind: GeneratorKind, transport: TransportName, connections: number, n: number, rate: number): Promise<GeneratorReport> {
  const { server, port } = await startServer(transport);
  try {
    const child = fork(fileURLToPath(import.meta.url), [kind, String(port), String(connections), String(n)], {
      execArgv: [],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    // Under the harness's care: Ctrl-C and every error path kill it like the run's own children.
    adopt(child);
    return await new Promise<GeneratorReport>((resolve, reject) => {
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
      const timer = setTimeout(() => child.kill('SIGKILL'), (n / Math.max(rate, 1) + 150) * 1000);
      child.on('message', (m: FromGenerator) => {
        if (m.type === 'connected') server.send({ type: 'publish', count: n, rate, startUs: nowUs() + 100_000 });
        else if (m.type === 'report') {
          clearTimeout(timer);
          resolve({ requests: m.requests ?? 0, cpuSeconds: m.cpuSeconds ?? 0 });
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        const tail = stderr.trim().split('\n').slice(-3).join(' | ');
        const who = kind.startsWith('pushbench') ? 'pushbench' : kind;
        reject(new Error(`${describeExit(`${who} load generator (efficiency)`, child.pid, code, signal)} without a report${tail ? `: ${tail}` : ''}`));
      });
    });
  } finally {
    server.process.kill('SIGKILL');
    await reap([server.process], 2000);
  }
}

async function measurePairs(
  count: number,
  pushbench: () => Promise<GeneratorReport>,
  other: () => Promise<GeneratorReport>,
  onPair?: (i: number) => void,
): Promise<GeneratorPair[]> {
  const pairs: GeneratorPair[] = [];
  for (let i = 0; i < count; i++) {
    onPair?.(i);
    const pushbenchFirst = i % 2 === 0;
    const first = pushbenchFirst ? await pushbench() : await other();
    const second = pushbenchFirst ? await other() : await pushbench();
    const pb = figures(pushbenchFirst ? first : second);
    const ot = figures(pushbenchFirst ? second : first);
    pairs.push({ order: pushbenchFirst ? 'pushbench-first' : 'other-first', pushbench: pb, other: ot, ratio: ot.requestsPerCpuS > 0 ? round3(pb.requestsPerCpuS / ot.requestsPerCpuS) : 0 });
  }
  return pairs;
}

export interface EfficiencyOptions {
  connections: number;
  /** Seconds of back-to-back polling per polling run. */
  durationS: number;
  /** Pairs per comparison, alternating order (at least 5 for a median worth quoting). */
  pairs: number;
  /** Messages broadcast per WebSocket run, and their rate. */
  messages: number;
  rate: number;
}

export const EFFICIENCY_DEFAULTS: EfficiencyOptions = { connections: 100, durationS: 5, pairs: 5, messages: 250, rate: 50 };

/** Both comparisons; `note` hears one line per pair. */
export async function measureEfficiency(opts: EfficiencyOptions = EFFICIENCY_DEFAULTS, note?: (line: string) => void): Promise<EfficiencyResults> {
  const c = opts.connections;
  const polls = await measurePairs(
    opts.pairs,
    () => runGenerator('pushbench-poll', 'short-polling', c, opts.durationS, 1),
    () => runGenerator('autocannon', 'short-polling', c, opts.durationS, 1),
    (i) => note?.(`efficiency: polling pair ${i + 1} of ${opts.pairs}`),
  );
  const ws = await measurePairs(
    opts.pairs,
    () => runGenerator('pushbench-ws', 'websocket', c, opts.messages, opts.rate),
    () => runGenerator('ws', 'websocket', c, opts.messages, opts.rate),
    (i) => note?.(`efficiency: WebSocket pair ${i + 1} of ${opts.pairs}`),
  );
  const p = summarizePairs(polls);
  const w = summarizePairs(ws);
  const version = wsVersion();
  const websocket: WebSocketEfficiency = {
    other: `ws ${version} (one WebSocket object per connection)`,
    connections: c,
    messages: opts.messages,
    pairs: ws,
    ratio: w.ratio,
    ratioLow: w.ratioLow,
    ratioHigh: w.ratioHigh,
  };
  return {
    connections: c,
    durationS: opts.durationS,
    // Every server listens on its own ephemeral port: the head is counted with a five-digit one, as they are here.
    requestHeadBytes: Buffer.byteLength(requestHead(40_000)),
    pushbench: p.median?.pushbench ?? figures({ requests: 0, cpuSeconds: 0 }),
    autocannon: p.median?.other ?? figures({ requests: 0, cpuSeconds: 0 }),
    ratio: p.ratio,
    counted: 'completed responses',
    pairs: polls,
    ratioLow: p.ratioLow,
    ratioHigh: p.ratioHigh,
    websocket,
  };
}

const round3 = (n: number): number => Math.round(n * 1000) / 1000;

function wsVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    const main = require.resolve('ws');
    return (JSON.parse(readFileSync(path.join(path.dirname(main), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown version';
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.send) {
  const [kind, port, connections, n] = process.argv.slice(2);
  process.on('disconnect', () => process.exit(0));
  GENERATORS[kind as GeneratorKind](Number(port), Number(connections), Number(n)).then(
    (r) => process.send!({ type: 'report', ...r } satisfies FromGenerator, () => process.exit(0)),
    (e: Error) => {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    },
  );
}
