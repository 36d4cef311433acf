/**
 * Short and long polling share one server: a subscribe request (no cursor) is answered at once with the current
 * sequence number; a request with `?since=N` gets every message after N. Short polling answers at once (an empty
 * body when there is nothing new); long polling holds the request until a message exists or the timeout passes.
 *
 * Staggered (harness/run/pattern.ts): a connection is served from its slot's feed, so message k becomes available to
 * it at its own phase (and carries that due time); a short poll finds it at its next poll, a held long poll of that
 * slot is answered when its slot publishes. Same requests, same responses: the bytes do not change.
 */
import type http from 'node:http';
import type { Feed } from '../../protocol/feed.js';
import { burnUs, feedOf, parseSince, slotCount, slotFor, writeProfileHead, type ServerContext, type TransportServer } from '../server.js';

interface Held {
  res: http.ServerResponse;
  since: number;
  feed: Feed;
  timer: NodeJS.Timeout;
}

export function createPollingServer(ctx: ServerContext, hold: boolean): TransportServer {
  const { profile, wire } = ctx;
  const head = profile.responses.poll;
  /** Held long polls, by slot (one slot for a broadcast). */
  const held = Array.from({ length: slotCount(ctx) }, () => new Set<Held>());

  const answer = (res: http.ServerResponse, since: number, feed: Feed): void => {
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
    const slot = slotFor(ctx, req.socket);
    const feed = feedOf(ctx, slot);
    if (since === null) {
      const body = Buffer.from(String(feed.lastSeq));
      writeProfileHead(res, 200, head, body.length);
      res.end(body);
      wire.markSetup(req.socket);
      return;
    }
    wire.requested(req.socket, since);
    if (!hold || feed.lastSeq > since) return answer(res, since, feed);
    const waiting = held[slot]!;
    const entry: Held = {
      res,
      since,
      feed,
      timer: setTimeout(() => {
        waiting.delete(entry);
        answer(res, since, feed);
      }, ctx.options.longPollTimeoutMs),
    };
    waiting.add(entry);
    res.once('close', () => {
      clearTimeout(entry.timer);
      waiting.delete(entry);
    });
  });

  return {
    onPublish(_seq, _body, slot = 0) {
      const waiting = held[slot]!;
      for (const entry of waiting) {
        clearTimeout(entry.timer);
        answer(entry.res, entry.since, entry.feed);
      }
      waiting.clear();
    },
    subscribers: () => held.reduce((a, h) => a + h.size, 0),
    closeAll() {
      for (const waiting of held) {
        for (const entry of waiting) clearTimeout(entry.timer);
        waiting.clear();
      }
      ctx.http.closeAllConnections();
    },
  };
}
