/**
 * SSE and HTTP streaming share one server shape: one long chunked response per client, one chunk per message.
 * They differ only in how a message is framed inside the body: SSE `id:`/`data:` fields, or the body and a newline.
 * A reconnecting client says what it holds — SSE with Last-Event-ID (WHATWG), HTTP streaming with `?since=N` (this
 * project's convention: the protocol has none) — and gets every message after it before the live ones. With
 * heartbeats on, every subscriber gets an SSE comment (`:`) or an empty line each interval.
 *
 * Staggered (harness/run/pattern.ts): subscribers are grouped by slot; each slot's publish is one prepared chunk
 * written to that slot's sockets, and a resume replays from the connection's slot's feed.
 */
import type http from 'node:http';
import type net from 'node:net';
import { broadcast, feedOf, parseSince, slotCount, slotFor, writeProfileHead, type ServerContext, type TransportServer } from '../server.js';
import type { ExchangeKind } from '../../protocol/profiles.js';
import { NEWLINE } from '../../protocol/feed.js';

export interface StreamFraming {
  kind: Extract<ExchangeKind, 'sse' | 'stream'>;
  /** The body bytes of one message. Built once per message and written to every subscriber. */
  frame(seq: number, body: Buffer): Buffer;
  /** The body bytes of a heartbeat, which a client reads as no message. */
  heartbeat: Buffer;
}

const CRLF = Buffer.from('\r\n');

/** One HTTP/1.1 chunk (RFC 9112 §7.1), byte for byte what Node's `res.write` sends for the same data. */
export function chunk(data: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`, 'latin1'), data, CRLF]);
}

export function createStreamServer(ctx: ServerContext, framing: StreamFraming): TransportServer {
  // The response is chunked and its head is out, so each message is one prepared chunk written to the socket.
  // By slot (one for a broadcast).
  const open = Array.from({ length: slotCount(ctx) }, () => new Map<http.ServerResponse, net.Socket>());
  const allSockets = function* (): Iterable<net.Socket> {
    for (const slot of open) yield* slot.values();
  };
  const head = ctx.profile.responses[framing.kind];

  ctx.http.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    writeProfileHead(res, 200, head);
    res.flushHeaders();
    const socket = req.socket;
    ctx.wire.markSetup(socket);
    const slot = slotFor(ctx, socket);
    const feed = feedOf(ctx, slot);
    // A client that reconnects says where it was; resume from there so nothing is lost.
    const header = req.headers['last-event-id'];
    const lastId = framing.kind === 'sse' ? (header === undefined ? NaN : Number(header)) : (parseSince(req.url) ?? NaN);
    if (Number.isInteger(lastId) && lastId >= 0) {
      for (let seq = lastId + 1; seq <= feed.lastSeq; seq++) socket.write(chunk(framing.frame(seq, feed.body(seq))));
    }
    open[slot]!.set(res, socket);
    res.once('close', () => open[slot]!.delete(res));
  });

  const heartbeatMs = ctx.options.heartbeatMs ?? 0;
  const beat = chunk(framing.heartbeat);
  const heartbeats = heartbeatMs > 0 ? setInterval(() => broadcast(allSockets(), beat, 0), heartbeatMs) : null;
  heartbeats?.unref();


  // Testing only: one byte the model does not predict (a blank SSE line in the first event), to show the check fires.
  const extraByte = process.env.PUSHBENCH_TEST_EXTRA_BYTE === '1' && framing.kind === 'sse';
  return {
    onPublish(seq, body, slot = 0) {
      const due = open[slot]!;
      if (seq === 1) ctx.wire.beginWindow(due.values());
      const frame = framing.frame(seq, body);
      broadcast(due.values(), chunk(extraByte && seq === 1 ? Buffer.concat([frame, NEWLINE]) : frame), ctx.injectServerCostUs);
    },
    subscribers: () => open.reduce((a, m) => a + m.size, 0),
    closeAll() {
      if (heartbeats) clearInterval(heartbeats);
      for (const slot of open) {
        for (const res of slot.keys()) res.destroy();
        slot.clear();
      }
      ctx.http.closeAllConnections();
    },
  };
}

/** `id: N\ndata: BODY\n\n` (WHATWG HTML §9.2). */
export const SSE_FRAMING: StreamFraming = {
  kind: 'sse',
  frame: (seq, body) => Buffer.concat([Buffer.from(`id: ${seq}\ndata: `), body, Buffer.from('\n\n')]),
  heartbeat: Buffer.from(':\n\n'),
};

/** The forever response: each message is the body and a newline, in a chunk of its own. */
export const STREAM_FRAMING: StreamFraming = { kind: 'stream', frame: (_seq, body) => Buffer.concat([body, NEWLINE]), heartbeat: NEWLINE };
