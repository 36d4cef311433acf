/**
 * RFC 6455 through the `ws` package. Without compression a message is framed once by `ws`'s own framer and the same
 * frame is written to every subscriber (the prepared-message broadcast every push server uses). With
 * permessage-deflate (then for every message size) each connection compresses with its own context, so each gets
 * `ws.send`.
 *
 * A client that reconnects with `?since=N` on its request target (this project's convention: RFC 6455 has no
 * resume) gets every message after N before the live ones. With heartbeats on, the server pings every interval and
 * terminates a connection whose pong to the previous ping has not come (the `ws` README's liveness check).
 */
import type net from 'node:net';
import * as wsModule from 'ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { broadcast, burnUs, parseSince, type ServerFactory } from '../server.js';

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
  const open = new Map<WebSocket, net.Socket>();
  /** Connections that have not answered the last ping. */
  const unanswered = new Set<WebSocket>();
  const send = (ws: WebSocket, socket: net.Socket, body: Buffer): void => {
    if (deflate) ws.send(body, { binary: false });
    else socket.write(Buffer.concat(frameText(body)));
  };

  ctx.http.on('upgrade', (req, socket: net.Socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      ctx.wire.markSetup(socket);
      const since = parseSince(req.url);
      if (since !== null) for (let seq = since + 1; seq <= ctx.feed.lastSeq; seq++) send(ws, socket, ctx.feed.body(seq));
      open.set(ws, socket);
      ws.on('pong', () => unanswered.delete(ws));
      ws.on('close', () => {
        open.delete(ws);
        unanswered.delete(ws);
      });
      ws.on('error', () => open.delete(ws));
    });
  });

  const heartbeatMs = ctx.options.heartbeatMs ?? 0;
  const pings =
    heartbeatMs > 0
      ? setInterval(() => {
          for (const ws of open.keys()) {
            if (unanswered.has(ws)) {
              open.delete(ws);
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
    onPublish(seq, body) {
      if (seq === 1) ctx.wire.beginWindow(open.values());
      if (!deflate) return broadcast(open.values(), Buffer.concat(frameText(body)), ctx.injectServerCostUs);
      for (const ws of open.keys()) {
        burnUs(ctx.injectServerCostUs);
        ws.send(body, { binary: false });
      }
    },
    subscribers: () => open.size,
    closeAll() {
      if (pings) clearInterval(pings);
      for (const ws of open.keys()) ws.terminate();
      open.clear();
      ctx.http.closeAllConnections();
    },
  };
};
