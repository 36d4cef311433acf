/** RFC 6455 through the `ws` package; permessage-deflate only when asked (and then for every message size). */
import { WebSocketServer, type WebSocket } from 'ws';
import { burnUs, type ServerFactory } from './server.js';

export const createServer: ServerFactory = (ctx) => {
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: ctx.options.perMessageDeflate ? { threshold: 0 } : false,
  });
  const extra = ctx.profile.responses.websocket;
  if (extra.length > 0) wss.on('headers', (headers: string[]) => headers.push(...extra.map(([n, v]) => `${n}: ${v}`)));
  const open = new Set<WebSocket>();

  ctx.http.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      ctx.wire.markSetup(req.socket);
      open.add(ws);
      ws.on('close', () => open.delete(ws));
      ws.on('error', () => open.delete(ws));
    });
  });

  return {
    onPublish(_seq, body) {
      for (const ws of open) {
        burnUs(ctx.injectServerCostUs);
        ws.send(body, { binary: false });
      }
    },
    subscribers: () => open.size,
    closeAll() {
      for (const ws of open) ws.terminate();
      open.clear();
      ctx.http.closeAllConnections();
    },
  };
};
