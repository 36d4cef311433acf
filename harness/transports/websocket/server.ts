/**
 * RFC 6455 through the `ws` package. Without compression a message is framed once by `ws`'s own framer and the same
 * frame is written to every subscriber (the prepared-message broadcast every push server uses). With
 * permessage-deflate (then for every message size) each connection compresses with its own context, so each gets
 * `ws.send`.
 *
 * A client that reconnects with `?since=N` on its request target (this project's convention: RFC 6455 has no
 * resume) gets every message after N before the live ones. With heartbeats on, the server pings every interval and
 * terminates a connection whose pong to the previous ping has not come (the `ws` README's liveness check).
 *
 * Staggered (harness/run/pattern.ts): connections are grouped by slot; each slot's publish is one prepared frame
 * written to that slot's sockets, and a resume replays from the connection's slot's feed.
 */
import type net from 'node:net';
import * as wsModule from 'ws';
import { WebSocket, WebSocketServer } from 'ws';
import type http2 from 'node:http2';
import { broadcast, burnUs, feedOf, parseSince, slotCount, slotFor, type ServerFactory } from '../server.js';

/** `ws`'s framer, which its typings do not declare: returns the frame header and payload as a list of buffers. */
const frameText = (data: Buffer): Buffer[] =>
  (wsModule as unknown as { Sender: { frame(d: Buffer, o: object): Buffer[] } }).Sender.frame(data, {
    fin: true,
    opcode: 0x1,
    mask: false,
    readOnly: true,
    rsv1: false,
  });

/**
 * A WebSocket server's open connections by slot (one slot for a broadcast), with RFC 6455 heartbeats when asked:
 * every `heartbeatMs` each connection is pinged, and one that has not answered the previous ping is dropped.
 */
class OpenSockets<T> {
  readonly slots: Array<Map<WebSocket, T>>;
  private readonly unanswered = new Set<WebSocket>();
  private readonly pings: NodeJS.Timeout | null;

  constructor(slots: number, heartbeatMs: number) {
    this.slots = Array.from({ length: slots }, () => new Map<WebSocket, T>());
    this.pings = heartbeatMs > 0 ? setInterval(() => this.ping(), heartbeatMs) : null;
    this.pings?.unref();
  }

  /** Holds `ws` in its slot until it closes; a pong answers the last ping. */
  add(slot: number, ws: WebSocket, value: T): void {
    const mine = this.slots[slot]!;
    mine.set(ws, value);
    ws.on('pong', () => this.unanswered.delete(ws));
    ws.on('close', () => {
      mine.delete(ws);
      this.unanswered.delete(ws);
    });
    ws.on('error', () => mine.delete(ws));
  }

  private ping(): void {
    for (const slot of this.slots) {
      for (const ws of [...slot.keys()]) {
        if (this.unanswered.has(ws)) {
          slot.delete(ws);
          this.unanswered.delete(ws);
          ws.terminate();
          continue;
        }
        this.unanswered.add(ws);
        ws.ping();
      }
    }
  }

  get size(): number {
    return this.slots.reduce((a, m) => a + m.size, 0);
  }

  /** Stops the heartbeats and forgets every connection (terminating each first when asked). */
  clear(terminate: boolean): void {
    if (this.pings) clearInterval(this.pings);
    for (const slot of this.slots) {
      if (terminate) for (const ws of slot.keys()) ws.terminate();
      slot.clear();
    }
  }
}

export const createServer: ServerFactory = (ctx) => {
  if (ctx.h2) return createH2Server(ctx);
  const deflate = ctx.options.perMessageDeflate;
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: deflate ? { threshold: 0 } : false,
  });
  const extra = ctx.profile.responses.websocket;
  if (extra.length > 0) wss.on('headers', (headers: string[]) => headers.push(...extra.map(([n, v]) => `${n}: ${v}`)));
  const sockets = new OpenSockets<net.Socket>(slotCount(ctx), ctx.options.heartbeatMs ?? 0);
  const open = sockets.slots;
  const send = (ws: WebSocket, socket: net.Socket, body: Buffer): void => {
    if (deflate) ws.send(body, { binary: false });
    else socket.write(Buffer.concat(frameText(body)));
  };

  ctx.http.on('upgrade', (req, socket: net.Socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      ctx.wire.markSetup(socket);
      const slot = slotFor(ctx, socket);
      const feed = feedOf(ctx, slot);
      const since = parseSince(req.url);
      if (since !== null) for (let seq = since + 1; seq <= feed.lastSeq; seq++) send(ws, socket, feed.body(seq));
      sockets.add(slot, ws, socket);
    });
  });

  return {
    onPublish(seq, body, slot = 0) {
      const due = open[slot]!;
      if (seq === 1) ctx.wire.beginWindow(due.values());
      if (!deflate) return broadcast(due.values(), Buffer.concat(frameText(body)), ctx.injectServerCostUs);
      for (const ws of due.keys()) {
        burnUs(ctx.injectServerCostUs);
        ws.send(body, { binary: false });
      }
    },
    subscribers: () => sockets.size,
    closeAll() {
      sockets.clear(true);
      ctx.http.closeAllConnections();
    },
  };
};

/** `ws` takes a stream of an extended CONNECT as its socket (server side: frames unmasked, pings, pongs, close). */
function wsOnStream(stream: http2.ServerHttp2Stream): WebSocket {
  const ws = new (WebSocket as unknown as new (a: null, p: undefined, o: object) => WebSocket)(null, undefined, { autoPong: true });
  (ws as unknown as { setSocket(s: unknown, head: Buffer, o: object): void }).setSocket(stream, Buffer.alloc(0), {
    allowSynchronousEvents: true,
    maxPayload: 100 * 1024 * 1024,
    skipUTF8Validation: false,
  });
  return ws;
}

/**
 * WebSocket over HTTP/2 (RFC 8441): the client opens a stream with an extended CONNECT (`:protocol websocket`), the
 * server answers 200 (no Sec-WebSocket-Accept: §5), and the stream's DATA frames carry RFC 6455 frames both ways.
 * `ws` runs the connection on the stream (pings, pongs, close); each message is `ws`'s frame, prepared once and written
 * to every stream of its slot. No permessage-deflate: `ws` negotiates it only in its HTTP/1.1 upgrade (the run refuses it).
 */
function createH2Server(ctx: Parameters<ServerFactory>[0]): ReturnType<ServerFactory> {
  const h2 = ctx.h2!;
  const extra = ctx.profile.responses.websocket;
  type Open = { stream: http2.ServerHttp2Stream; socket: net.Socket };
  const sockets = new OpenSockets<Open>(slotCount(ctx), ctx.options.heartbeatMs ?? 0);
  const open = sockets.slots;

  h2.server.on('stream', (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => {
    stream.on('error', () => {});
    const socket = h2.socket(stream);
    if (headers[':method'] !== 'CONNECT' || headers[':protocol'] !== 'websocket' || !socket) {
      h2.respond(stream, 400, [], Buffer.alloc(0));
      return;
    }
    h2.respond(stream, 200, extra);
    h2.afterWrite(() => ctx.wire.markSetupWritten(socket));
    const ws = wsOnStream(stream);
    const slot = slotFor(ctx, socket);
    const feed = feedOf(ctx, slot);
    const since = parseSince(headers[':path']);
    if (since !== null) for (let seq = since + 1; seq <= feed.lastSeq; seq++) stream.write(Buffer.concat(frameText(feed.body(seq))));
    sockets.add(slot, ws, { stream, socket });
  });

  return {
    onPublish(seq, body, slot = 0) {
      const due = open[slot]!;
      if (seq === 1) ctx.wire.beginWindow([...due.values()].map((o) => o.socket));
      const frame = Buffer.concat(frameText(body));
      for (const { stream } of due.values()) {
        burnUs(ctx.injectServerCostUs);
        stream.write(frame);
      }
    },
    subscribers: () => sockets.size,
    closeAll() {
      sockets.clear(false);
      h2.closeAll();
    },
  };
}
