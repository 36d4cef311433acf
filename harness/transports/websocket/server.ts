/**
 * RFC 6455 through the `ws` package. Without compression a message is framed once by `ws`'s own framer and the same
 * frame is written to every subscriber (the prepared-message broadcast every push server uses). With
 * permessage-deflate (then for every message size) each connection compresses with its own context, so each gets
 * `ws.send`.
 */
import type net from 'node:net';
import * as wsModule from 'ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { broadcast, burnUs, type ServerFactory } from '../server.js';

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

  ctx.http.on('upgrade', (req, socket: net.Socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      ctx.wire.markSetup(socket);
      open.set(ws, socket);
      ws.on('close', () => open.delete(ws));
      ws.on('error', () => open.delete(ws));
    });
  });

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
      for (const ws of open.keys()) ws.terminate();
      open.clear();
      ctx.http.closeAllConnections();
    },
  };
};
