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
import { WebSocketServer, type WebSocket } from 'ws';
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

export const createServer: ServerFactory = (ctx) => {
  const deflate = ctx.options.perMessageDeflate;
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: deflate ? { threshold: 0 } : false,
  });
  const extra = ctx.profile.responses.websocket;
  if (extra.length > 0) wss.on('headers', (headers: string[]) => headers.push(...extra.map(([n, v]) => `${n}: ${v}`)));
  // By slot (one for a broadcast).
  const open = Array.from({ length: slotCount(ctx) }, () => new Map<WebSocket, net.Socket>());
  const everyone = function* (): Iterable<WebSocket> {
    for (const slot of open) yield* slot.keys();
  };
  /** Connections that have not answered the last ping. */
  const unanswered = new Set<WebSocket>();
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
      const mine = open[slot]!;
      mine.set(ws, socket);
      ws.on('pong', () => unanswered.delete(ws));
      ws.on('close', () => {
        mine.delete(ws);
        unanswered.delete(ws);
      });
      ws.on('error', () => mine.delete(ws));
    });
  });

  const heartbeatMs = ctx.options.heartbeatMs ?? 0;
  const pings =
    heartbeatMs > 0
      ? setInterval(() => {
          for (const ws of [...everyone()]) {
            if (unanswered.has(ws)) {
              for (const slot of open) slot.delete(ws);
              unanswered.delete(ws);
              ws.terminate();
              continue;
            }
            unanswered.add(ws);
            ws.ping();
          }
        }, heartbeatMs)
      : null;
  pings?.unref();

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
    subscribers: () => open.reduce((a, m) => a + m.size, 0),
    closeAll() {
      if (pings) clearInterval(pings);
      for (const ws of everyone()) ws.terminate();
      for (const slot of open) slot.clear();
      ctx.http.closeAllConnections();
    },
  };
};
