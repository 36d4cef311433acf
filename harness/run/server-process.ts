/**
 * Child process entry: one transport's server on its own event loop, never shared with the load generator.
 * Driven by the harness over IPC (see ipc.ts); reports socket byte counts, CPU, memory and event-loop delay.
 *
 * With `processes > 1` this process becomes a node:cluster primary: it forks that many workers (this same file)
 * that share one listening port, handed connections round-robin, relays the harness's orders to all of them and
 * merges their answers (counters added, memory summed, worst event-loop delay). Every worker publishes on the same
 * schedule (`startUs`, `rate`) and a body encodes its due time, so message k is byte-identical in every process.
 *
 * Staggered (`slots` > 1, harness/run/pattern.ts): the schedule has one event per message and slot, each slot has its
 * own feed whose bodies carry that slot's due times, and each process gives its own connections their slots.
 */
import cluster, { type Worker } from 'node:cluster';
import http from 'node:http';
import https from 'node:https';
import http2 from 'node:http2';
import { H2Host } from '../transports/h2-server.js';
import { fileURLToPath } from 'node:url';
import { Feed, nowUs } from '../protocol/feed.js';
import { startOrDie, type FromServer, type ServerConfig, type ServerPart, type ToServer } from './ipc.js';
import { addCpuSplit, ProcessMeter, settledRss, worstLoopDelay, type ProcessCostSample } from '../measure/proc-stats.js';
import { loadProfile } from '../protocol/profiles.js';
import { makeStagger, type Stagger, type TransportServer } from '../transports/server.js';
import { scheduleEvent, slotOf } from './pattern.js';
import { TRANSPORTS } from '../transports/registry.js';
import { WireLedger, type WireTotals } from '../measure/wire.js';
import { TlsWireLedger } from '../measure/tls-wire.js';
import { latenessOf, worstLateness } from './lateness.js';

const send = (msg: FromServer): void => {
  process.send?.(msg);
};
const meter = new ProcessMeter();
// Chosen at start: over TLS, the ledger that counts both layers.
let wire = new WireLedger();
let server: http.Server | null = null;
let transport: TransportServer | null = null;
let feed: Feed | null = null;
/** Staggered: each slot's feed (feeds[0] is `feed`). A broadcast has one. */
let feeds: Feed[] = [];
let stagger: Stagger | undefined;
/** Accept errors after listening (EMFILE, ENFILE): counted, never fatal, so a run at the limit reports instead of dying. */
const acceptErrors: Record<string, number> = {};

// The harness going away (Ctrl-C, crash) must never leave a server behind.
process.on('disconnect', () => process.exit(0));

async function start(config: ServerConfig): Promise<void> {
  const profile = loadProfile(config.profile);
  feed = new Feed(config.payloadBytes);
  const slots = Math.max(1, config.slots ?? 1);
  feeds = [feed, ...Array.from({ length: slots - 1 }, () => new Feed(config.payloadBytes))];
  stagger = slots > 1 ? makeStagger(feeds, slotOf) : undefined;
  const serverOptions = { keepAliveTimeout: 0, requestTimeout: 0, headersTimeout: 0 };
  const protocol = config.options.protocol;
  let h2: H2Host | undefined;
  if (protocol === 'h2' || protocol === 'h2c') {
    // HTTP/2: node:http2, over TLS with ALPN h2 only (as a browser negotiates it) or in clear text with prior
    // knowledge. Each client's connection is one session; its polls and streams are streams on it.
    const secure = protocol === 'h2';
    if (secure && !config.tls) throw new Error('--protocol h2 needs the run\'s certificate');
    // WebSocket rides an extended CONNECT (RFC 8441), which the server must announce in its SETTINGS.
    const settings = { enableConnectProtocol: config.transport === 'websocket' };
    const h2server = secure ? http2.createSecureServer({ cert: config.tls!.cert, key: config.tls!.key, allowHTTP1: false, settings }) : http2.createServer({ settings });
    h2 = new H2Host(h2server, secure);
    server = h2server as unknown as http.Server;
    if (secure) wire = new TlsWireLedger();
    server.on(secure ? 'secureConnection' : 'connection', (socket) => wire.track(socket));
    if (secure) server.on('tlsClientError', (_e, socket) => socket.destroy());
  } else {
    if (config.tls) wire = new TlsWireLedger();
    // Over TLS the same transports attach to an https server ('request' and 'upgrade' are the same events); bytes are
    // counted per TLS socket, ciphertext under it and plaintext in it (TlsWireLedger).
    server = config.tls
      ? (https.createServer({ ...serverOptions, cert: config.tls.cert, key: config.tls.key }) as unknown as http.Server)
      : http.createServer(serverOptions);
    // Keep-alive connections stay open as long as the client wants them, as they would behind a push service.
    server.keepAliveTimeout = 0;
    server.on(config.tls ? 'secureConnection' : 'connection', (socket) => wire.track(socket));
    if (config.tls) server.on('tlsClientError', (_e, socket) => socket.destroy());
    server.on('clientError', (_e, socket) => socket.destroy());
  }
  const factory = config.server === 'socketio' ? await (await import('../servers/socketio/server.js')).socketIoServer(config.transport) : await TRANSPORTS[config.transport].server();
  transport = factory({ http: server, ...(h2 ? { h2 } : {}), feed, ...(stagger ? { stagger } : {}), profile, options: config.options, wire, injectServerCostUs: config.injectServerCostUs });
  const onListenError = (e: NodeJS.ErrnoException): void => {
    send({ type: 'fatal', message: e.message, code: e.code });
    setTimeout(() => process.exit(3), 50);
  };
  server.once('error', onListenError);
  // A restarted server (fault runs): its feed is durable, so it holds every message due so far before it accepts
  // anyone, and a client resuming from N gets N + 1 onwards, never a message twice.
  if (config.resumeFeed) {
    const { count, rate, startUs } = config.resumeFeed;
    for (let e = 0; e < count * slots; e++) {
      const event = scheduleEvent(e, startUs, rate, slots);
      if (event.dueUs > nowUs()) break;
      feeds[event.slot]!.publish(event.dueUs);
    }
  }
  // The kernel caps the accept queue at net.core.somaxconn; ask for the most so a fast ramp is not dropped.
  server.listen({ port: config.port, host: config.host, backlog: 65_535 }, () => {
    server!.off('error', onListenError);
    if (config.resumeFeed) publish(config.resumeFeed.count, config.resumeFeed.rate, config.resumeFeed.startUs);
    server!.on('error', (e: NodeJS.ErrnoException) => {
      acceptErrors[e.code ?? 'ERROR'] = (acceptErrors[e.code ?? 'ERROR'] ?? 0) + 1;
    });
    const addr = server!.address();
    send({ type: 'listening', port: typeof addr === 'object' && addr ? addr.port : config.port });
    setInterval(() => send({ type: 'sample', cost: meter.sample(), connections: wire.connections, published: lastPublished(), bufferedBytes: wire.bufferedBytes() }), 1000).unref();
  });
}

export { latenessOf, worstLateness };

/**
 * Publishes on a fixed schedule from `startUs`; each body carries the time it was due. The schedule is one event per
 * message and slot (one slot for a broadcast): harness/run/pattern.ts.
 */
function publish(count: number, rate: number, startUs: number): void {
  const slots = feeds.length;
  const events = count * slots;
  // A restarted server continues its feeds where the schedule is.
  let next = feeds.reduce((a, f) => a + f.lastSeq, 0);
  const lateMs: number[] = [];
  wire.finalSeq = count;
  const tick = (): void => {
    const now = nowUs();
    // CPU counts from the first message on, the same instant the byte window opens.
    if (next === 0 && startUs <= now) meter.startWindow();
    const { slot, dueUs } = scheduleEvent(next, startUs, rate, slots);
    if (dueUs <= now) {
      lateMs.push((now - dueUs) / 1000);
      const { seq, body } = feeds[slot]!.publish(dueUs);
      transport!.onPublish(seq, body, slot);
      next++;
    }
    if (next >= events) {
      meter.endWindow();
      send({ type: 'published', lastSeq: lastPublished(), lateness: latenessOf(lateMs) });
      return;
    }
    // One message a turn. A server behind its schedule (more than its cores can write) still lets its event loop run
    // between the messages it owes, as it would between publishes arriving as events: its reads, and the sample that
    // tells the run how far it has published, are not held off until it has caught up (at 100,000 clients on 2
    // cores, a worker caught up for the whole run, and the run showed 0 published while delivering 90,000 msg/s).
    const waitMs = (scheduleEvent(next, startUs, rate, slots).dueUs - nowUs()) / 1000;
    if (waitMs <= 0) setImmediate(tick);
    else setTimeout(tick, waitMs);
  };
  tick();
}

/** The last message every connection has been published (the last slot's feed is the one behind). */
const lastPublished = (): number => feeds[feeds.length - 1]?.lastSeq ?? 0;

function serve(msg: ToServer): void {
  switch (msg.type) {
    case 'start':
      startOrDie(start(msg.config), send);
      break;
    case 'publish':
      publish(msg.count, msg.rate, msg.startUs);
      break;
    case 'snapshot': {
      const snap = { wire: wire.snapshot(), cost: meter.sample(), subscribers: transport?.subscribers() ?? 0 };
      const role = cluster.isWorker ? 'worker' : 'single';
      send({ type: 'snapshot', ...snap, acceptErrors, parts: [{ pid: process.pid, role, ...snap }] });
      break;
    }
    case 'memory':
      send({ type: 'memory', rssBytes: settledRss(), processes: 1, connections: wire.connections });
      break;
    case 'reset-all':
      send({ type: 'reset', connections: wire.resetAll() });
      break;
  }
}

// ---- cluster primary ------------------------------------------------------------------------------------------

const zeroBytes = () => ({ c2sBytes: 0, s2cBytes: 0 });
const ZERO_WIRE: WireTotals = {
  setup: zeroBytes(),
  preWindow: zeroBytes(),
  window: zeroBytes(),
  postWindow: zeroBytes(),
  total: zeroBytes(),
  connections: 0,
  connectionsOpened: 0,
};

/** Adds wire totals of several processes: every counter is a sum. Exported for tests. */
export function addWire(parts: readonly WireTotals[]): WireTotals {
  const out = structuredClone(ZERO_WIRE);
  for (const w of parts) {
    for (const k of ['setup', 'preWindow', 'window', 'postWindow', 'total'] as const) {
      out[k].c2sBytes += w[k].c2sBytes;
      out[k].s2cBytes += w[k].s2cBytes;
    }
    out.connections += w.connections;
    out.connectionsOpened += w.connectionsOpened;
  }
  // Over TLS every process reports the layer inside too: added the same way.
  const plain = parts.flatMap((w) => (w.plaintext ? [w.plaintext] : []));
  if (plain.length > 0) out.plaintext = { ...addWire(plain), version: plain[0]!.version, cipher: plain[0]!.cipher };
  return out;
}

/** CPU and resident memory added over processes, the largest single process, the worst event-loop delay. Exported for tests. */
export function addCost(parts: readonly ProcessCostSample[], pid = process.pid): ProcessCostSample {
  return {
    pid,
    cpuSeconds: parts.reduce((a, p) => a + p.cpuSeconds, 0),
    ...addCpuSplit(parts),
    wallSeconds: Math.max(0, ...parts.map((p) => p.wallSeconds)),
    rssBytes: parts.reduce((a, p) => a + p.rssBytes, 0),
    maxRssBytes: Math.max(0, ...parts.map((p) => p.maxRssBytes)),
    eventLoopDelay: worstLoopDelay(parts.map((p) => p.eventLoopDelay)),
  };
}

function addCounts(parts: ReadonlyArray<Record<string, number>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of parts) for (const [k, v] of Object.entries(p)) out[k] = (out[k] ?? 0) + v;
  return out;
}

class Primary {
  private readonly workers: Worker[] = [];
  private readonly latest = new Map<Worker, { cost: ProcessCostSample; connections: number; published: number }>();

  constructor(private readonly config: ServerConfig) {}

  /** Sends `msg` to every worker and resolves with each one's next message of `type`. */
  private gather<T extends FromServer['type']>(msg: ToServer, type: T): Promise<Array<Extract<FromServer, { type: T }>>> {
    return Promise.all(
      this.workers.map(
        (w) =>
          new Promise<Extract<FromServer, { type: T }>>((resolve) => {
            const on = (m: FromServer): void => {
              if (m.type !== type) return;
              w.off('message', on);
              resolve(m as Extract<FromServer, { type: T }>);
            };
            w.on('message', on);
            w.send(msg);
          }),
      ),
    );
  }

  async start(): Promise<void> {
    cluster.setupPrimary({ exec: fileURLToPath(import.meta.url), serialization: 'advanced', silent: false });
    const ready: Array<Promise<void>> = [];
    for (let i = 0; i < this.config.processes; i++) {
      const w = cluster.fork();
      this.workers.push(w);
      ready.push(new Promise((resolve) => w.on('message', (m: FromServer) => m.type === 'ready' && resolve())));
      w.on('message', (m: FromServer) => {
        if (m.type === 'sample') this.latest.set(w, { cost: m.cost, connections: m.connections, published: m.published });
        else if (m.type === 'fatal') send(m);
      });
      w.on('exit', (code, signal) => {
        if (!stopping) {
          send({ type: 'fatal', message: `server worker ${w.process.pid} exited (${signal ?? `code ${code}`})` });
          setTimeout(() => process.exit(1), 50);
        }
      });
    }
    await Promise.all(ready);
    const listening = await this.gather({ type: 'start', config: { ...this.config, processes: 1 } }, 'listening');
    send({ type: 'listening', port: listening[0]!.port });
    setInterval(() => {
      const parts = [...this.latest.values()];
      send({
        type: 'sample',
        cost: addCost([meter.sample(), ...parts.map((p) => p.cost)]),
        connections: parts.reduce((a, p) => a + p.connections, 0),
        // Every process publishes the same sequence: the slowest one says how far all of them are.
        published: parts.length > 0 ? Math.min(...parts.map((p) => p.published)) : 0,
      });
    }, 1000).unref();
  }

  async handle(msg: ToServer): Promise<void> {
    switch (msg.type) {
      case 'start':
        return;
      case 'publish': {
        meter.startWindow();
        const done = await this.gather(msg, 'published');
        meter.endWindow();
        send({ type: 'published', lastSeq: Math.min(...done.map((d) => d.lastSeq)), lateness: worstLateness(done.map((d) => d.lateness)) });
        return;
      }
      case 'snapshot': {
        const snaps = await this.gather(msg, 'snapshot');
        const own: ServerPart = { pid: process.pid, role: 'primary', wire: structuredClone(ZERO_WIRE), cost: meter.sample(), subscribers: 0 };
        const parts: ServerPart[] = [own, ...snaps.flatMap((s) => s.parts ?? [])];
        send({
          type: 'snapshot',
          wire: addWire(snaps.map((s) => s.wire)),
          cost: addCost(parts.map((p) => p.cost)),
          subscribers: snaps.reduce((a, s) => a + s.subscribers, 0),
          acceptErrors: addCounts(snaps.map((s) => s.acceptErrors ?? {})),
          parts,
        });
        return;
      }
      case 'reset-all': {
        const done = await this.gather(msg, 'reset');
        send({ type: 'reset', connections: done.reduce((a, d) => a + d.connections, 0) });
        return;
      }
      case 'memory': {
        const own = settledRss();
        const mem = await this.gather(msg, 'memory');
        send({ type: 'memory', rssBytes: own + mem.reduce((a, m) => a + m.rssBytes, 0), processes: 1 + mem.length, connections: mem.reduce((a, m) => a + (m.connections ?? 0), 0) });
        return;
      }
    }
  }
}

let primary: Primary | null = null;
/** A server pushbench drives from here but does not host (nginx with nchan, a user's server): harness/servers/driver.ts. */
let driven: ((msg: ToServer) => void) | null = null;
let stopping = false;
process.once('SIGTERM', () => {
  stopping = true;
  for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGKILL');
  process.exit(0);
});

process.on('message', (msg: ToServer) => {
  try {
    if (msg.type === 'start' && (msg.config.server === 'nchan' || msg.config.server === 'external')) {
      const config = msg.config;
      import('../servers/drivers.js').then(({ createDriver }) => {
        driven = createDriver(config, send);
        driven(msg);
      }, (e: Error) => send({ type: 'fatal', message: e.message }));
      return;
    }
    if (driven) return driven(msg);
    if (msg.type === 'start' && cluster.isPrimary && msg.config.processes > 1) {
      // Round-robin is the default on Linux; said explicitly because the OS's choice is badly skewed.
      cluster.schedulingPolicy = cluster.SCHED_RR;
      primary = new Primary(msg.config);
      startOrDie(primary.start(), send);
      return;
    }
    if (primary) {
      primary.handle(msg).catch((e: Error) => send({ type: 'fatal', message: e.message }));
      return;
    }
    serve(msg);
  } catch (e) {
    send({ type: 'fatal', message: (e as Error).message });
  }
});

if (cluster.isWorker) send({ type: 'ready' });
