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
import type http2 from 'node:http2';
import type { Feed } from '../../protocol/feed.js';
import { burnUs, feedOf, parseSince, slotCount, slotFor, writeProfileHead, type ServerContext, type TransportServer } from '../server.js';

/** What a held poll answers on: an HTTP/1.1 response or an HTTP/2 stream; both say when they close. */
interface Closable {
  once(event: 'close', listener: () => void): unknown;
}

/**
 * Long polls waiting for their slot's next message (one slot for a broadcast): each is answered when its slot
 * publishes, or at the hold time with nothing new, and forgotten when its connection closes first.
 */
class HeldPolls<R extends Closable> {
  private readonly held: Array<Set<{ r: R; since: number; feed: Feed; timer: NodeJS.Timeout }>>;

  constructor(
    slots: number,
    private readonly timeoutMs: number,
    private readonly answer: (r: R, since: number, feed: Feed) => void,
  ) {
    this.held = Array.from({ length: slots }, () => new Set());
  }

  hold(slot: number, r: R, since: number, feed: Feed): void {
    const waiting = this.held[slot]!;
    const entry = {
      r,
      since,
      feed,
      timer: setTimeout(() => {
        waiting.delete(entry);
        this.answer(r, since, feed);
      }, this.timeoutMs),
    };
    waiting.add(entry);
    r.once('close', () => {
      clearTimeout(entry.timer);
      waiting.delete(entry);
    });
  }

  publish(slot: number): void {
    const waiting = this.held[slot]!;
    for (const entry of waiting) {
      clearTimeout(entry.timer);
      this.answer(entry.r, entry.since, entry.feed);
    }
    waiting.clear();
  }

  get size(): number {
    return this.held.reduce((a, h) => a + h.size, 0);
  }

  clear(): void {
    for (const waiting of this.held) {
      for (const entry of waiting) clearTimeout(entry.timer);
      waiting.clear();
    }
  }
}

/** The transport server over a set of held polls: publish answers them, close clears them then the connections. */
function heldServer<R extends Closable>(held: HeldPolls<R>, closeConnections: () => void): TransportServer {
  return {
    onPublish(_seq, _body, slot = 0) {
      held.publish(slot);
    },
    subscribers: () => held.size,
    closeAll() {
      held.clear();
      closeConnections();
    },
  };
}

export function createPollingServer(ctx: ServerContext, hold: boolean): TransportServer {
  const { profile, wire } = ctx;
  const head = profile.responses.poll;
  const answer = (res: http.ServerResponse, since: number, feed: Feed): void => {
    // Answered before anything was published: an idle poll of the ramp, before the measurement window.
    const beforeWindow = feed.lastSeq === 0;
    const { body, count } = feed.bodyAfter(since);
    if (count > 0) burnUs(ctx.injectServerCostUs * count);
    writeProfileHead(res, 200, head, body.length);
    res.end(body);
    if (res.socket) wire.responded(res.socket, beforeWindow);
  };

  if (ctx.h2) return createH2PollingServer(ctx, hold);
  const held = new HeldPolls(slotCount(ctx), ctx.options.longPollTimeoutMs, answer);

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
    held.hold(slot, res, since, feed);
  });

  return heldServer(held, () => ctx.http.closeAllConnections());
}

/**
 * The same server over HTTP/2: each poll is a stream on the client's session, answered with HEADERS and DATA
 * (END_STREAM); the marks of the run's split follow once the answer's frames are written (harness/transports/h2-server.ts).
 * A session's slot (staggered) is its socket's.
 */
function createH2PollingServer(ctx: ServerContext, hold: boolean): TransportServer {
  const { profile, wire } = ctx;
  const h2 = ctx.h2!;
  const head = profile.responses.poll;

  const answer = (stream: http2.ServerHttp2Stream, since: number, feed: Feed): void => {
    const beforeWindow = feed.lastSeq === 0;
    const { body, count } = feed.bodyAfter(since);
    if (count > 0) burnUs(ctx.injectServerCostUs * count);
    const socket = h2.socket(stream);
    h2.respond(stream, 200, head, body);
    if (socket) h2.afterWrite(() => wire.respondedWritten(socket, beforeWindow));
  };
  const held = new HeldPolls(slotCount(ctx), ctx.options.longPollTimeoutMs, answer);

  h2.server.on('stream', (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => {
    stream.on('error', () => {});
    const socket = h2.socket(stream);
    const since = parseSince(headers[':path']);
    const slot = socket ? slotFor(ctx, socket) : 0;
    const feed = feedOf(ctx, slot);
    if (since === null) {
      h2.respond(stream, 200, head, Buffer.from(String(feed.lastSeq)));
      if (socket) h2.afterWrite(() => wire.markSetupWritten(socket));
      return;
    }
    if (socket) wire.requested(socket, since);
    if (!hold || feed.lastSeq > since) return answer(stream, since, feed);
    held.hold(slot, stream, since, feed);
  });

  return heldServer(held, () => h2.closeAll());
}
