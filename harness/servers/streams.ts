/**
 * SSE and HTTP streaming share one server shape: one long chunked response per client, one chunk per message.
 * They differ only in how a message is framed inside the body: SSE `id:`/`data:` fields, or the body and a newline.
 */
import type http from 'node:http';
import { burnUs, writeProfileHead, type ServerContext, type TransportServer } from './server.js';
import type { ExchangeKind } from '../profiles.js';

export interface StreamFraming {
  kind: Extract<ExchangeKind, 'sse' | 'stream'>;
  /** The body bytes of one message. Built once per message and written to every subscriber. */
  frame(seq: number, body: Buffer): Buffer;
}

export function createStreamServer(ctx: ServerContext, framing: StreamFraming): TransportServer {
  const open = new Set<http.ServerResponse>();
  const head = ctx.profile.responses[framing.kind];

  ctx.http.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    writeProfileHead(res, 200, head);
    res.flushHeaders();
    ctx.wire.markSetup(req.socket);
    // An SSE client that reconnects says where it was; resume from there so nothing is lost.
    const lastId = Number(req.headers['last-event-id']);
    if (framing.kind === 'sse' && Number.isInteger(lastId) && lastId >= 0) {
      for (let seq = lastId + 1; seq <= ctx.feed.lastSeq; seq++) res.write(framing.frame(seq, ctx.feed.body(seq)));
    }
    open.add(res);
    res.once('close', () => open.delete(res));
  });

  return {
    onPublish(seq, body) {
      const chunk = framing.frame(seq, body);
      for (const res of open) {
        burnUs(ctx.injectServerCostUs);
        res.write(chunk);
      }
    },
    subscribers: () => open.size,
    closeAll() {
      for (const res of open) res.destroy();
      open.clear();
      ctx.http.closeAllConnections();
    },
  };
}
