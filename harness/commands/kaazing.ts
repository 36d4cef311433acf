/**
 * `pushbench kaazing`: websocket.org's 871-vs-2 table, measured. For every header profile and use case (A 1,000,
 * B 10,000, C 100,000 clients) it runs all five transports through the lead's `runScenario`, reads the kernel's
 * TCP counters of the server's sockets over the publishing window, measures the 3:1 latency claim through the
 * user-space delay proxy, writes one results file and renders reports/kaazing.md from it.
 *
 * A use case the machine cannot hold (the planner refuses it before anything starts, or the run fails for lack of
 * resources) is not faked: it is extrapolated from the largest measured case of the same profile and says so.
 *
 * `pushbench kaazing --render FILE` only re-renders the Markdown from an existing results file.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import { startDelayProxy } from '../net/delay-proxy.js';
import { EnvironmentError, EXIT, UsageError } from '../errors.js';
import { environment, machineLimits } from '../measure/environment.js';
import { decimalDigits, hixie76FrameBytes, httpHeadBytes, httpHeadString, httpHeadVisibleChars, TCP_IP_HEADER_BYTES_PER_SEGMENT, wsFrameHeaderBytes } from '../protocol/framing.js';
import { packageRoot, scenariosDir } from '../paths.js';
import { planRun } from '../run/plan.js';
import { fillHeaders, loadProfile, type HeaderProfile } from '../protocol/profiles.js';
import { prepareOutputFile, writeFileAtomic, writeResults } from '../../results/io.js';
import { readFile } from '../../results/read.js';
import { KAAZING_SCHEMA_VERSION } from '../../results/kaazing.js';
import { runScenario, type RunHooks } from '../run/runner.js';
import { DEFAULTS } from '../run/scenario.js';
import { writeProfileHead } from '../transports/server.js';
import { ackOnlySegments, diffBySocket, readTcpStats, tcpIpHeaderBytes, type TcpSocketStats } from '../measure/tcp-stats.js';
import { TRANSPORT_NAMES, type LiveSample, type ResultsFile, type RunOptions, type TransportName } from '../../results/types.js';
import {
  renderKaazingReport,
  type ArticleFigures,
  type FramingModel,
  type KaazingCase,
  type KaazingLatency,
  type ExchangeTiming,
  type KaazingResults,
  type LatencyMode,
  type ProfileHeads,
  type TcpPerMessage,
} from '../../reports/kaazing.js';

/** The study as scenarios/kaazing.json describes it. */
export interface KaazingScenario {
  transports: TransportName[];
  rate: number;
  payloadBytes: number;
  durationS: number;
  profiles: string[];
  useCases: Array<{ useCase: string; clients: number }>;
  intervalMs: number;
  latency: { delayMs: number; jitterMs: number; clients: number; durationS: number; rate: number; intervalMs: number; profile: string; closeProfile: string; exchangeSamples: number };
  article: ArticleFigures;
}

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

export function loadKaazingScenario(file = path.join(scenariosDir, 'kaazing.json')): KaazingScenario {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  const k = raw.kaazing as Record<string, unknown> | undefined;
  if (!k || typeof k !== 'object') throw new UsageError(`${file} has no "kaazing" block`);
  return {
    transports: raw.transports as TransportName[],
    rate: raw.rate as number,
    payloadBytes: raw.payloadBytes as number,
    durationS: raw.durationS as number,
    profiles: k.profiles as string[],
    useCases: k.useCases as KaazingScenario['useCases'],
    intervalMs: k.intervalMs as number,
    latency: k.latency as KaazingScenario['latency'],
    article: k.article as ArticleFigures,
  };
}

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

/** The poll exchange of a profile, counted with the framing models: what the article counted and what goes on the wire. */
export function profileHeads(profile: HeaderProfile, payloadBytes: number, sinceSeq: number): ProfileHeads {
  const host = '127.0.0.1:8080';
  const requestLine = `GET ${profile.paths.poll} HTTP/1.1`;
  const request = fillHeaders(profile.requests.poll, { host });
  const statusLine = 'HTTP/1.1 200 OK';
  const response = fillHeaders(profile.responses.poll, { length: payloadBytes, date: 'x'.repeat(29) });
  const wsRequest = fillHeaders(profile.requests.websocket, { host, key: 'x'.repeat(24) });
  return {
    profile: profile.name,
    description: profile.description,
    requestLines: request.length + 1,
    responseLines: response.length + 1,
    requestVisibleChars: httpHeadVisibleChars(requestLine, request),
    responseVisibleChars: httpHeadVisibleChars(statusLine, response),
    requestWireBytes: httpHeadBytes(requestLine, request),
    responseWireBytes: httpHeadBytes(statusLine, response),
    sinceBytes: '?since='.length + decimalDigits(sinceSeq),
    sinceExample: `?since=${sinceSeq}`,
    websocketRequestWireBytes: httpHeadBytes(`GET ${profile.paths.websocket} HTTP/1.1`, wsRequest),
  };
}

export function framingModel(payloadBytes: number): FramingModel {
  return {
    payloadBytes,
    wsServerToClientHeaderBytes: wsFrameHeaderBytes(payloadBytes, false),
    wsClientToServerHeaderBytes: wsFrameHeaderBytes(payloadBytes, true),
    hixie76FrameOverheadBytes: hixie76FrameBytes(payloadBytes) - payloadBytes,
    tcpIpHeaderBytesPerSegment: TCP_IP_HEADER_BYTES_PER_SEGMENT,
  };
}

/**
 * Per-message TCP cost of a window on the server's sockets: counter differences of the sockets present at both ends
 * of the window (`diffBySocket`), over the messages those sockets delivered (one socket per client, each client
 * receiving every message published in the window).
 */
export function tcpPerMessage(before: readonly TcpSocketStats[], after: readonly TcpSocketStats[], messagesPerSocket: number): TcpPerMessage | null {
  const d = diffBySocket(before, after);
  const messages = d.sockets * messagesPerSocket;
  if (messages <= 0) return null;
  return {
    messages,
    sockets: d.sockets,
    segmentsPerMessage: (d.segsOut + d.segsIn) / messages,
    ackOnlySegmentsPerMessage: ackOnlySegments(d) / messages,
    tcpIpHeaderBytesPerMessage: tcpIpHeaderBytes(d) / messages,
    tcpPayloadBytesPerMessage: (d.bytesSent + d.bytesReceived) / messages,
  };
}

/** A free loopback port, so every transport's server binds the same known port and `ss` can be filtered on it. */
async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/**
 * Samples the server port's TCP counters when a transport starts publishing and when it starts draining. The runner
 * emits a sample at every phase change; `ss` runs while the run goes on (publishing starts after a lead time).
 */
function tcpSampler(port: number) {
  const result: Partial<Record<TransportName, TcpPerMessage>> = {};
  const pending: Array<Promise<void>> = [];
  let current: { transport: TransportName; before: Promise<TcpSocketStats[] | null> } | null = null;
  const read = (): Promise<TcpSocketStats[] | null> => readTcpStats([port]).catch(() => null);
  return {
    onSample(s: LiveSample): void {
      if (s.phase === 'publishing' && current?.transport !== s.transport) current = { transport: s.transport, before: read() };
      else if (s.phase === 'draining' && current?.transport === s.transport) {
        const { transport, before } = current;
        current = null;
        const published = s.published;
        pending.push(
          Promise.all([before, read()]).then(([b, a]) => {
            const t = b && a ? tcpPerMessage(b, a, published) : null;
            if (t) result[transport] = t;
          }),
        );
      }
    },
    async results(): Promise<Partial<Record<TransportName, TcpPerMessage>>> {
      await Promise.all(pending);
      return result;
    },
  };
}

function runOptions(scenario: KaazingScenario, o: Partial<RunOptions>): RunOptions {
  return {
    ...DEFAULTS,
    scenario: 'kaazing',
    transports: scenario.transports,
    rate: scenario.rate,
    payloadBytes: scenario.payloadBytes,
    durationS: scenario.durationS,
    intervalMs: scenario.intervalMs,
    ...o,
  };
}

let lastPhase: LiveSample['phase'] | null = null;
const progress = (s: LiveSample): void => {
  if (s.phase !== lastPhase) {
    lastPhase = s.phase;
    process.stderr.write(`  ${s.transport}: ${s.phase}, ${s.connected}/${s.clients} connected, ${s.published} published\n`);
  }
};

async function measureCase(scenario: KaazingScenario, profile: string, clients: number, durationS: number, transports: TransportName[], resultsDir: string, label: string) {
  const port = await freePort();
  const sampler = tcpSampler(port);
  const options = runOptions(scenario, { profile, clients, durationS, transports, port, jsonFile: path.join(resultsDir, `kaazing-${profile}-${label}.json`) });
  const results: ResultsFile = await runScenario(options, {
    onSample: (s) => {
      sampler.onSample(s);
      progress(s);
    },
  });
  writeResults(results, path.resolve(options.jsonFile!));
  return { results, tcp: await sampler.results(), resultsFile: path.relative(packageRoot, path.resolve(options.jsonFile!)) };
}

async function measureLatency(scenario: KaazingScenario, delayMs: number, transportsWanted: TransportName[], resultsDir: string): Promise<KaazingLatency> {
  const l = scenario.latency;
  const modes: Array<Omit<LatencyMode, 'latencyMs' | 'error'>> = [
    { mode: 'WebSocket', transport: 'websocket', connection: 'persistent', profile: l.profile },
    { mode: 'long polling', transport: 'long-polling', connection: 'keep-alive', profile: l.profile },
    { mode: 'short polling', transport: 'short-polling', connection: 'keep-alive', profile: l.profile },
    { mode: 'short polling', transport: 'short-polling', connection: 'new connection per poll', profile: l.closeProfile },
  ];
  const out: LatencyMode[] = [];
  for (const m of modes.filter((x) => transportsWanted.includes(x.transport))) {
    const proxies: Array<Awaited<ReturnType<typeof startDelayProxy>>> = [];
    const hooks: RunHooks = {
      onSample: progress,
      dialAddress: async (server) => {
        const proxy = await startDelayProxy({ target: { host: server.host, port: server.port }, delayMs, jitterMs: l.jitterMs });
        proxies.push(proxy);
        return { host: '127.0.0.1', port: proxy.port };
      },
    };
    try {
      process.stderr.write(`latency: ${m.mode} (${m.connection}) through ${delayMs} ms one-way\n`);
      const options = runOptions(scenario, {
        transports: [m.transport],
        clients: l.clients,
        durationS: l.durationS,
        rate: l.rate,
        intervalMs: l.intervalMs,
        profile: m.profile,
        jsonFile: path.join(resultsDir, `kaazing-latency-${m.transport}-${m.connection.replace(/ /g, '-')}.json`),
        drainTimeoutMs: Math.max(DEFAULTS.drainTimeoutMs, l.intervalMs * 3 + delayMs * 10),
      });
      const res = await runScenario(options, hooks);
      writeResults(res, path.resolve(options.jsonFile!));
      const run = res.runs[0];
      const proxyConnections = proxies.reduce((n, p) => n + p.stats().connections, 0);
      // A run that failed says why itself; one that completed without the proxy in its path measured no delay.
      if (!run || run.state !== 'completed') {
        out.push({ ...m, latencyMs: null, error: run?.state === 'errored' ? run.error : 'no run', proxyConnections });
      } else if (proxyConnections === 0) {
        out.push({ ...m, latencyMs: null, error: 'no client connection went through the delay proxy' });
      } else {
        const lat = run.latencyMs;
        out.push({ ...m, latencyMs: { p50: lat.p50, p90: lat.p90, p99: lat.p99, max: lat.max, count: lat.count }, error: null, proxyConnections });
      }
    } catch (e) {
      out.push({ ...m, latencyMs: null, error: (e as Error).message.split('\n')[0]! });
    } finally {
      await Promise.all(proxies.map((p) => p.close()));
    }
  }
  let exchanges: ExchangeTiming[] = [];
  try {
    exchanges = await probeExchanges({ delayMs, jitterMs: l.jitterMs, samples: l.exchangeSamples, profile: l.profile, closeProfile: l.closeProfile });
  } catch (e) {
    process.stderr.write(`latency: exchange probe failed: ${(e as Error).message}\n`);
  }
  return { oneWayDelayMs: delayMs, jitterMs: l.jitterMs, clients: l.clients, rate: l.rate, intervalMs: l.intervalMs, modes: out, exchanges };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

function timing(exchange: string, connection: string, oneWayTrips: number, samplesMs: number[]): ExchangeTiming {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return { exchange, connection, oneWayTrips, count: sorted.length, p50Ms: median(sorted), minMs: sorted[0] ?? NaN, maxMs: sorted.at(-1) ?? NaN };
}

/**
 * The claim itself, exchange by exchange, through the delay proxy: a message pushed on an open WebSocket (publish to
 * receipt), a poll on a keep-alive connection (request to complete response) and a poll on a new connection (connect
 * to complete response, handshake charged by the proxy). Server and client share this process and its clock; the
 * poll heads are the profile's, written with the servers' own `writeProfileHead`.
 */
export async function probeExchanges(o: { delayMs: number; jitterMs: number; samples: number; profile: string; closeProfile: string }): Promise<ExchangeTiming[]> {
  const keep = loadProfile(o.profile);
  const close = loadProfile(o.closeProfile);
  const body = Buffer.from('x'.repeat(21));
  const server = http.createServer((req, res) => {
    const p = req.headers.connection === 'close' ? close : keep;
    writeProfileHead(res, 200, p.responses.poll, body.length);
    res.end(body);
  });
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const proxy = await startDelayProxy({ target: { host: '127.0.0.1', port: (server.address() as net.AddressInfo).port }, delayMs: o.delayMs, jitterMs: o.jitterMs });
  const host = `127.0.0.1:${proxy.port}`;
  const poll = (p: HeaderProfile, socket: net.Socket): Promise<void> =>
    new Promise((resolve, reject) => {
      let got = Buffer.alloc(0);
      const onData = (chunk: Buffer): void => {
        got = Buffer.concat([got, chunk]);
        const end = got.indexOf('\r\n\r\n');
        const m = /content-length: *(\d+)/i.exec(got.toString('latin1', 0, Math.max(0, end)));
        if (end >= 0 && m && got.length >= end + 4 + Number(m[1])) {
          socket.off('data', onData);
          socket.off('error', reject);
          resolve();
        }
      };
      socket.on('data', onData);
      socket.once('error', reject);
      socket.write(httpHeadString(`GET ${p.paths.poll} HTTP/1.1`, fillHeaders(p.requests.poll, { host })));
    });
  const dial = (): Promise<net.Socket> =>
    new Promise((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port: proxy.port, noDelay: true }, () => resolve(s));
      s.once('error', reject);
    });
  try {
    const wsMs: number[] = [];
    const client = new WebSocket(`ws://${host}/ws`, { perMessageDeflate: false });
    const serverSide = await new Promise<WebSocket>((resolve) => wss.once('connection', resolve));
    await new Promise<void>((resolve) => client.once('open', () => resolve()));
    for (let i = 0; i < o.samples; i++) {
      const t0 = performance.now();
      const got = new Promise<void>((resolve) => client.once('message', () => resolve()));
      serverSide.send(body, { binary: false });
      await got;
      wsMs.push(performance.now() - t0);
    }
    client.terminate();

    const keepMs: number[] = [];
    const ka = await dial();
    await poll(keep, ka); // the first exchange on a connection pays for the handshake; time the ones after it
    for (let i = 0; i < o.samples; i++) {
      const t0 = performance.now();
      await poll(keep, ka);
      keepMs.push(performance.now() - t0);
    }
    ka.destroy();

    const newMs: number[] = [];
    for (let i = 0; i < o.samples; i++) {
      const t0 = performance.now();
      const s = await dial();
      await poll(close, s);
      newMs.push(performance.now() - t0);
      s.destroy();
    }
    return [
      timing('message pushed on an open WebSocket', 'persistent', 1, wsMs),
      timing('poll: request and response', 'keep-alive', 2, keepMs),
      timing('poll: connect, request and response', 'new connection per poll', 4, newMs),
    ];
  } finally {
    await proxy.close();
    for (const c of wss.clients) c.terminate();
    wss.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

/**
 * One RFC 6455 text message each way between the `ws` client and server, counted at the server's socket: what a
 * frame costs by direction on the wire, measured rather than taken from the model.
 */
export async function measureWsFrames(payloadBytes: number): Promise<{ payloadBytes: number; c2sFrameBytes: number; s2cFrameBytes: number }> {
  const server = http.createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const accepted = new Promise<{ ws: WebSocket; socket: net.Socket }>((resolve) => wss.once('connection', (ws, req) => resolve({ ws, socket: req.socket })));
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as net.AddressInfo).port}/ws`, { perMessageDeflate: false });
  try {
    const { ws, socket } = await accepted;
    await new Promise<void>((resolve) => (client.readyState === WebSocket.OPEN ? resolve() : client.once('open', () => resolve())));
    const body = 'x'.repeat(payloadBytes);
    const read0 = socket.bytesRead;
    const got = new Promise<void>((resolve) => ws.once('message', () => resolve()));
    client.send(body);
    await got;
    const c2sFrameBytes = socket.bytesRead - read0;
    const written0 = socket.bytesWritten;
    const back = new Promise<void>((resolve) => client.once('message', () => resolve()));
    ws.send(body);
    await back;
    return { payloadBytes, c2sFrameBytes, s2cFrameBytes: socket.bytesWritten - written0 };
  } finally {
    client.terminate();
    for (const c of wss.clients) c.terminate();
    wss.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

/** Why a use case cannot run here, from the planner, before anything starts; null when it can. */
function refusal(clients: number): string | null {
  try {
    planRun(clients, 0, DEFAULTS.host, machineLimits());
    return null;
  } catch (e) {
    if (e instanceof EnvironmentError) return e.message;
    throw e;
  }
}

function render(results: KaazingResults, reportFile: string): void {
  writeFileAtomic(reportFile, renderKaazingReport(results));
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
    const results = readFile(args.render, ['kaazing']);
    prepareOutputFile(args.reportFile, '--report');
    render(results, args.reportFile);
    return EXIT.ok;
  }
  const profiles = args.profiles ?? scenario.profiles;
  for (const p of profiles) loadProfile(p);
  const useCases = scenario.useCases.filter((u) => !args.cases || args.cases.includes(u.useCase));
  const transports = args.transports ?? scenario.transports;
  const durationS = args.durationS ?? scenario.durationS;
  // Both outputs are checked (folders created, a probe written) before minutes of measuring.
  const resultsDir = path.dirname(prepareOutputFile(args.jsonFile, '--json'));
  prepareOutputFile(args.reportFile, '--report');

  const startedAt = new Date().toISOString();
  const cases: KaazingCase[] = [];
  let failed = false;
  if (!args.latencyOnly) {
    for (const profile of profiles) {
      for (const u of useCases) {
        const base = { useCase: u.useCase, clients: u.clients, profile };
        const measured = cases.filter((c) => c.profile === profile && !c.extrapolatedFrom && c.runs.some((r) => r.state === 'completed'));
        const source = measured.at(-1);
        const extrapolate = (reason: string): void => {
          cases.push({ ...base, resultsFile: null, runs: [], tcp: {}, extrapolatedFrom: source ? { useCase: source.useCase, clients: source.clients, resultsFile: source.resultsFile, reason } : null });
          process.stderr.write(`kaazing: ${profile} ${u.useCase} not run: ${reason}\n`);
        };
        if (args.measureUpTo !== null && u.clients > args.measureUpTo) {
          extrapolate(
            `this run measured use cases of at most ${args.measureUpTo.toLocaleString('en-US')} clients (--measure-up-to); ` +
              'a 100,000-client case runs for minutes per transport and profile; pushbench kaazing without that flag measures it where the plan allows',
          );
          continue;
        }
        const no = refusal(u.clients);
        if (no) {
          extrapolate(`this machine cannot hold ${u.clients.toLocaleString('en-US')} clients (${no})`);
          continue;
        }
        process.stderr.write(`kaazing: profile ${profile}, use case ${u.useCase} (${u.clients} clients)\n`);
        try {
          const m = await measureCase(scenario, profile, u.clients, durationS, transports, resultsDir, u.useCase);
          if (m.results.runs.some((r) => r.state === 'errored')) failed = true;
          cases.push({ ...base, resultsFile: m.resultsFile, runs: m.results.runs, tcp: m.tcp, extrapolatedFrom: null });
        } catch (e) {
          if (!(e instanceof EnvironmentError)) throw e;
          extrapolate(`the run stopped: ${e.message}`);
        }
      }
    }
  }
  const latency = args.latency ? await measureLatency(scenario, args.delayMs ?? scenario.latency.delayMs, transports, resultsDir) : null;
  if (latency?.modes.some((m) => m.error)) failed = true;

  const sinceSeq = Math.max(1, Math.round(scenario.rate * durationS));
  const results: KaazingResults = {
    kind: 'kaazing',
    schemaVersion: KAAZING_SCHEMA_VERSION,
    tool: 'pushbench',
    startedAt,
    finishedAt: new Date().toISOString(),
    environment: environment(),
    command: ['pushbench kaazing', ...argv].join(' '),
    rate: scenario.rate,
    payloadBytes: scenario.payloadBytes,
    durationS,
    article: scenario.article,
    framing: { ...framingModel(scenario.payloadBytes), measured: await measureWsFrames(scenario.payloadBytes).catch(() => undefined) },
    profiles: profiles.map((p) => profileHeads(loadProfile(p), scenario.payloadBytes, sinceSeq)),
    cases,
    latency,
  };
  writeFileAtomic(args.jsonFile, JSON.stringify(results, null, 2) + '\n');
  process.stderr.write(`wrote ${args.jsonFile}\n`);
  render(results, args.reportFile);
  return failed ? EXIT.failed : EXIT.ok;
}
