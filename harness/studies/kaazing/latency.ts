/**
 * The article's 3:1 latency claim, measured through the user-space delay proxy (harness/net/delay-proxy.ts): whole
 * runs of a few clients per mode (WebSocket, long polling, short polling with keep-alive and with a new connection
 * per poll), and the claim's own comparison exchange by exchange.
 */
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { WebSocket } from 'ws';
import { startDelayProxy, type DelayProxy } from '../../net/delay-proxy.js';
import { httpHeadString } from '../../protocol/framing.js';
import { ResponseParser } from '../../protocol/http1.js';
import { fillHeaders, loadProfile, type HeaderProfile } from '../../protocol/profiles.js';
import { writeResults } from '../../../results/io.js';
import { runScenario, type RunHooks } from '../../run/runner.js';
import { DEFAULTS } from '../../run/scenario.js';
import { writeProfileHead } from '../../transports/server.js';
import type { LiveSample, TransportName } from '../../../results/types.js';
import type { ExchangeTiming, KaazingLatency, LatencyMode } from '../../../reports/kaazing.js';
import { startLoopbackWsServer } from './probes.js';
import { studyRunOptions, type KaazingScenario } from './scenario.js';

/**
 * One run per mode, its clients dialling the server through a delay proxy of `delayMs` one way, then the exchange
 * probe. A mode that fails says why in its row; the study goes on.
 */
export async function measureLatency(
  scenario: KaazingScenario,
  delayMs: number,
  transportsWanted: TransportName[],
  resultsDir: string,
  progress: (s: LiveSample) => void,
): Promise<KaazingLatency> {
  const l = scenario.latency;
  const modes: Array<Omit<LatencyMode, 'latencyMs' | 'error'>> = [
    { mode: 'WebSocket', transport: 'websocket', connection: 'persistent', profile: l.profile },
    { mode: 'long polling', transport: 'long-polling', connection: 'keep-alive', profile: l.profile },
    { mode: 'short polling', transport: 'short-polling', connection: 'keep-alive', profile: l.profile },
    { mode: 'short polling', transport: 'short-polling', connection: 'new connection per poll', profile: l.closeProfile },
  ];
  const out: LatencyMode[] = [];
  for (const m of modes.filter((x) => transportsWanted.includes(x.transport))) {
    const proxies: DelayProxy[] = [];
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
      const options = studyRunOptions(scenario, {
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

/** The upper median (the middle of an odd count), NaN for none. */
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

function timing(exchange: string, connection: string, oneWayTrips: number, samplesMs: number[]): ExchangeTiming {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return { exchange, connection, oneWayTrips, count: sorted.length, p50Ms: median(sorted), minMs: sorted[0] ?? NaN, maxMs: sorted.at(-1) ?? NaN };
}

/** Writes the profile's poll request on `socket` and resolves once the whole response (head and body) is in. */
function poll(p: HeaderProfile, socket: net.Socket, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (e?: unknown): void => {
      socket.off('data', onData);
      socket.off('error', done);
      if (e) reject(e);
      else resolve();
    };
    const parser = new ResponseParser({ onHead: () => {}, onBody: () => {}, onEnd: () => done() });
    const onData = (chunk: Buffer): void => {
      try {
        parser.execute(chunk);
      } catch (e) {
        done(e);
      }
    };
    socket.on('data', onData);
    socket.once('error', done);
    socket.write(httpHeadString(`GET ${p.paths.poll} HTTP/1.1`, fillHeaders(p.requests.poll, { host })));
  });
}

/**
 * The claim itself, exchange by exchange, through the delay proxy: a message pushed on an open WebSocket (publish to
 * receipt), a poll on a keep-alive connection (request to complete response) and a poll on a new connection (connect
 * to complete response, handshake charged by the proxy). Server and client share this process and its clock.
 *
 * The poll heads are the profile's, written with the servers' own `writeProfileHead` and read with the clients'
 * HTTP/1 parser; the body is a fixed 21 bytes and the WebSocket ends are plain `ws`, because the project's
 * polling server answers with its feed's cursor and messages and its WebSocket server adds the profile's 101 headers:
 * other bytes than this probe has always timed.
 */
export async function probeExchanges(o: { delayMs: number; jitterMs: number; samples: number; profile: string; closeProfile: string }): Promise<ExchangeTiming[]> {
  const keep = loadProfile(o.profile);
  const close = loadProfile(o.closeProfile);
  const body = Buffer.from('x'.repeat(21));
  const loop = await startLoopbackWsServer((req, res) => {
    const p = req.headers.connection === 'close' ? close : keep;
    writeProfileHead(res, 200, p.responses.poll, body.length);
    res.end(body);
  });
  const proxy = await startDelayProxy({ target: { host: '127.0.0.1', port: loop.port }, delayMs: o.delayMs, jitterMs: o.jitterMs });
  const host = `127.0.0.1:${proxy.port}`;
  const dial = (): Promise<net.Socket> =>
    new Promise((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port: proxy.port, noDelay: true }, () => resolve(s));
      s.once('error', reject);
    });
  try {
    const wsMs: number[] = [];
    const client = new WebSocket(`ws://${host}/ws`, { perMessageDeflate: false });
    const serverSide = await new Promise<WebSocket>((resolve) => loop.wss.once('connection', resolve));
    await new Promise<void>((resolve) => client.once('open', () => resolve()));
    for (let i = 0; i < o.samples; i++) {
      const t0 = performance.now();
      const got = once(client, 'message');
      serverSide.send(body, { binary: false });
      await got;
      wsMs.push(performance.now() - t0);
    }
    client.terminate();

    const keepMs: number[] = [];
    const ka = await dial();
    await poll(keep, ka, host); // the first exchange on a connection pays for the handshake; time the ones after it
    for (let i = 0; i < o.samples; i++) {
      const t0 = performance.now();
      await poll(keep, ka, host);
      keepMs.push(performance.now() - t0);
    }
    ka.destroy();

    const newMs: number[] = [];
    for (let i = 0; i < o.samples; i++) {
      const t0 = performance.now();
      const s = await dial();
      await poll(close, s, host);
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
    await loop.close();
  }
}
