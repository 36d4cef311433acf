/**
 * Micro-benchmark tasks of each transport's server-side cost per message: the real server module of the
 * transport (harness/transports/FAMILY/server.ts), handed requests directly and writing into an in-memory sink socket.
 *
 * What it measures: framing plus the write path through Node's http or `ws` down to the socket, for one
 * subscriber. What it leaves out, on purpose: the kernel, the HTTP parser of incoming requests, the client.
 * Polling is measured as answering one poll that carries one message (that is what a message costs it);
 * the streaming transports and WebSocket as publishing one message to one open subscriber.
 */
import http from 'node:http';
import { Duplex } from 'node:stream';
import { Feed } from '../protocol/feed.js';
import { loadProfile } from '../protocol/profiles.js';
import { TRANSPORTS } from '../transports/registry.js';
import { TRANSPORT_NAMES, type TransportName } from '../../results/types.js';
import type { ServerContext, TransportServer } from '../transports/server.js';
import type { WireLedger } from '../measure/wire.js';
import type { MicroTaskDefinition } from './tasks.js';

/** A socket that accepts every write at once and never sends anything back: the cheapest possible peer. */
export class SinkSocket extends Duplex {
  bytesWrittenToSink = 0;
  readonly remoteAddress = '127.0.0.1';
  readonly remotePort = 1;
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.bytesWrittenToSink += chunk.length;
    callback();
  }
  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    for (const c of chunks) this.bytesWrittenToSink += c.chunk.length;
    callback();
  }
  override _read(): void {}
  // The socket methods http and ws call on a real net.Socket.
  setTimeout(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
}

const PAYLOAD_BYTES = 21;
const WS_KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

function request(socket: SinkSocket, url: string, headers: Record<string, string>): http.IncomingMessage {
  const req = new http.IncomingMessage(socket as unknown as import('node:net').Socket);
  req.method = 'GET';
  req.url = url;
  req.httpVersion = '1.1';
  req.httpVersionMajor = 1;
  req.httpVersionMinor = 1;
  req.headers = headers;
  return req;
}

function response(req: http.IncomingMessage, socket: SinkSocket): http.ServerResponse {
  const res = new http.ServerResponse(req);
  res.assignSocket(socket as unknown as import('node:net').Socket);
  return res;
}

interface Harness {
  server: TransportServer;
  http: http.Server;
  feed: Feed;
  profile: ReturnType<typeof loadProfile>;
}

async function harness(name: TransportName): Promise<Harness> {
  const profile = loadProfile('minimal');
  const feed = new Feed(PAYLOAD_BYTES);
  feed.publish(0);
  const httpServer = http.createServer();
  const ctx: ServerContext = {
    http: httpServer,
    feed,
    profile,
    options: { intervalMs: 1000, longPollTimeoutMs: 30_000, perMessageDeflate: false },
    // Byte accounting is the runner's business; here nothing is counted.
    wire: { markSetup() {}, beginWindow() {}, responded() {}, requested() {}, finalSeq: Infinity } as unknown as WireLedger,
    injectServerCostUs: 0,
  };
  const factory = await TRANSPORTS[name].server();
  return { server: factory(ctx), http: httpServer, feed, profile };
}

/**
 * The op of one transport, after its subscriber is set up: `ops` messages per call of `fn`. `sink` is the
 * subscriber's socket, so a test can hold the bytes written per message against the framing models.
 */
export async function prepareTransport(
  name: TransportName,
  ops: number,
): Promise<{ fn: () => void; dispose: () => void; sink: SinkSocket; flush: () => Promise<void> }> {
  const h = await harness(name);
  const kind = TRANSPORTS[name].kind;
  const path = h.profile.paths[kind];
  const host = '127.0.0.1:1';
  const body = h.feed.body(1);
  const sinks: SinkSocket[] = [];
  const dispose = () => {
    h.server.closeAll();
    for (const s of sinks) s.destroy();
  };
  // http corks the socket until the next tick; bytes reach the sink only after it.
  const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

  if (kind === 'poll') {
    // One poll answered with one message: a fresh request/response pair on one kept-alive sink.
    const socket = new SinkSocket();
    sinks.push(socket);
    return {
      fn: () => {
        for (let i = 0; i < ops; i++) {
          const req = request(socket, `${path}?since=0`, { host });
          const res = response(req, socket);
          h.http.emit('request', req, res);
          res.detachSocket(socket as unknown as import('node:net').Socket);
        }
      },
      dispose,
      sink: socket,
      flush,
    };
  }

  const socket = new SinkSocket();
  sinks.push(socket);
  if (kind === 'websocket') {
    const req = request(socket, path, {
      host,
      upgrade: 'websocket',
      connection: 'Upgrade',
      'sec-websocket-key': WS_KEY,
      'sec-websocket-version': '13',
    });
    h.http.emit('upgrade', req, socket, Buffer.alloc(0));
  } else {
    const headers: Record<string, string> = { host };
    if (kind === 'sse') headers.accept = 'text/event-stream';
    const req = request(socket, path, headers);
    h.http.emit('request', req, response(req, socket));
  }
  // The handshake completes in a callback; let it run before timing starts.
  await new Promise((resolve) => setImmediate(resolve));
  if (h.server.subscribers() !== 1) throw new Error(`micro ${name}: the server did not accept the sink subscriber`);
  let seq = 1;
  return {
    fn: () => {
      for (let i = 0; i < ops; i++) h.server.onPublish(seq++, body);
    },
    dispose,
    sink: socket,
    flush,
  };
}

/** One task per registered transport: server-side cost of one message to one subscriber. */
export function transportTasks(): MicroTaskDefinition[] {
  const ops = 100;
  return TRANSPORT_NAMES.map((name) => ({
    name: `server-write/${name}`,
    description: `${name} server: ${TRANSPORTS[name].kind === 'poll' ? 'answer one poll carrying one' : 'publish one'} ${PAYLOAD_BYTES}-byte message to one subscriber (in-memory sink socket)`,
    opsPerCall: ops,
    prepare: () => prepareTransport(name, ops),
  }));
}
