/**
 * Short and long polling share one server: a subscribe request (no cursor) is answered at once with the current
 * sequence number; a request with `?since=N` gets every message after N. Short polling answers at once (an empty
 * body when there is nothing new); long polling holds the request until a message exists or the timeout passes.
 */
import type http from 'node:http';
import { burnUs, parseSince, writeProfileHead, type ServerContext, type TransportServer } from '../server.js';

interface Held {
  res: http.ServerResponse;
  since: number;
  timer: NodeJS.Timeout;
}

export function createPollingServer(ctx: ServerContext, hold: boolean): TransportServer {
  const { feed, profile, wire } = ctx;
  const head = profile.responses.poll;
  const held = new Set<Held>();

  const answer = (res: http.ServerResponse, since: number): void => {
    // Answered before anything was published: an idle poll of the ramp, before the measurement window.
    const beforeWindow = feed.lastSeq === 0;
    const { body, count } = feed.bodyAfter(since);
    if (count > 0) burnUs(ctx.injectServerCostUs * count);
    writeProfileHead(res, 200, head, body.length);
    res.end(body);
    if (res.socket) wire.responded(res.socket, beforeWindow);
  };

  ctx.http.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const since = parseSince(req.url);
    if (since === null) {
      const body = Buffer.from(String(feed.lastSeq));
      writeProfileHead(res, 200, head, body.length);
      res.end(body);
      wire.markSetup(req.socket);
      return;
    }
    wire.requested(req.socket, since);
    if (!hold || feed.lastSeq > since) return answer(res, since);
    const entry: Held = {
      res,
      since,
      timer: setTimeout(() => {
        held.delete(entry);
        answer(res, since);
      }, ctx.options.longPollTimeoutMs),
    };
    held.add(entry);
    res.once('close', () => {
      clearTimeout(entry.timer);
      held.delete(entry);
    });
  });

  return {
    onPublish() {
      for (const entry of held) {
        clearTimeout(entry.timer);
        answer(entry.res, entry.since);
      }
      held.clear();
    },
    subscribers: () => held.size,
    closeAll() {
      for (const entry of held) clearTimeout(entry.timer);
      held.clear();
      ctx.http.closeAllConnections();
    },
  };
}
