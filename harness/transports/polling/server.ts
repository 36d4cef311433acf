/**
 * Short and long polling share one server: a subscribe request (no cursor) is answered at once with the current
 * sequence number; a request with `?since=N` gets every message after N. Short polling answers at once (an empty
 * body when there is nothing new); long polling holds the request until a message exists or the timeout passes.
 */
import type http from 'node:http';
import type http2 from 'node:http2';
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

  if (ctx.h2) return createH2PollingServer(ctx, hold);

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

/**
 * The same server over HTTP/2: each poll is a stream on the client's session, answered with HEADERS and DATA
 * (END_STREAM); the marks of the run's split follow once the answer's frames are written (harness/transports/h2-server.ts).
 */
function createH2PollingServer(ctx: ServerContext, hold: boolean): TransportServer {
  const { feed, profile, wire } = ctx;
  const h2 = ctx.h2!;
  const head = profile.responses.poll;
  const held = new Set<{ stream: http2.ServerHttp2Stream; since: number; timer: NodeJS.Timeout }>();

  const answer = (stream: http2.ServerHttp2Stream, since: number): void => {
    const beforeWindow = feed.lastSeq === 0;
    const { body, count } = feed.bodyAfter(since);
    if (count > 0) burnUs(ctx.injectServerCostUs * count);
    const socket = h2.socket(stream);
    h2.respond(stream, 200, head, body);
    if (socket) h2.afterWrite(() => wire.respondedWritten(socket, beforeWindow));
  };

  h2.server.on('stream', (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => {
    stream.on('error', () => {});
    const socket = h2.socket(stream);
    const since = parseSince(headers[':path']);
    if (since === null) {
      h2.respond(stream, 200, head, Buffer.from(String(feed.lastSeq)));
      if (socket) h2.afterWrite(() => wire.markSetupWritten(socket));
      return;
    }
    if (socket) wire.requested(socket, since);
    if (!hold || feed.lastSeq > since) return answer(stream, since);
    const entry = {
      stream,
      since,
      timer: setTimeout(() => {
        held.delete(entry);
        answer(stream, since);
      }, ctx.options.longPollTimeoutMs),
    };
    held.add(entry);
    stream.once('close', () => {
      clearTimeout(entry.timer);
      held.delete(entry);
    });
  });

  return {
    onPublish() {
      for (const entry of held) {
        clearTimeout(entry.timer);
        answer(entry.stream, entry.since);
      }
      held.clear();
    },
    subscribers: () => held.size,
    closeAll() {
      for (const entry of held) clearTimeout(entry.timer);
      held.clear();
      h2.closeAll();
    },
  };
}
