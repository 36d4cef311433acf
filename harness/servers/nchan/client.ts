/**
 * The nchan dialect of the five simulated clients (paths and framing in nchan/server.ts and nchan/framing.ts).
 *
 * Resuming: a poll sends back the `Last-Modified` and `Etag` of the last answer as `If-Modified-Since` and
 * `If-None-Match` (nchan's message id, time and tag); before it has one, it asks without and gets the oldest message.
 * An EventSource reconnects with `Last-Event-ID` (the `id:` nchan sent, `<time>:<tag>`). Streams and WebSockets
 * start again at the newest message.
 *
 * Set-up: the short poll's first exchange (`304` from an empty channel); the long poll's first request (nchan holds
 * it: its answer already carries the first message); the SSE request, head and nchan's `: hi` comment; the streaming
 * request and head; the WebSocket handshake. Response heads are counted as they arrive; the rest is modelled.
 */
import { parseHead, LineSplitter, ResponseParser, type ResponseHead } from '../../protocol/http1.js';
import { Delivery, Lifecycle, RETRY_MS, requestHead, type ClientContext, type ClientFactory, type SimClient } from '../../transports/client.js';
import { wsAcceptKey } from '../../protocol/framing.js';
import { randomBytes } from 'node:crypto';
import { NEWLINE } from '../../protocol/feed.js';
import type { TransportName } from '../../../results/types.js';
import { NCHAN_PATHS } from './server.js';
import { pollCursor, rawPollBodyBytes, rawStreamMessageBytes, sseCommentBytes, sseEventBytes, wsMessageBytes } from './framing.js';
import { closeWebSocket, maskedFrame, WsFrameReader } from '../../protocol/ws-frames.js';
import { PollingModel } from '../../transports/polling/model.js';

type Cursor = { lastModified: string; etag: string } | null;

/** Short polling (`intervalpoll`, hold = false) and long polling (`longpoll`, hold = true). */
function pollClient(ctx: ClientContext, hold: boolean): SimClient {
  const { tally } = ctx;
  const life = new Lifecycle(ctx, new Delivery(tally));
  const path = hold ? NCHAN_PATHS['long-polling'] : NCHAN_PATHS['short-polling'];
  let cursor: Cursor = null;
  let subscribed = false;
  let firstWait = !hold;
  let inFlight = false;
  let timer: NodeJS.Timeout | null = null;
  let head: ResponseHead | null = null;
  let body: Buffer[] = [];
  let bodyBytes = 0;
  let parser: ResponseParser | null = null;
  const model = new PollingModel(tally.model);
  /** The highest sequence number held when the poll in flight was asked. */
  let pendingCursor = -1;

  const markDone = (): void => {
    if (timer) clearTimeout(timer);
    life.markDone();
  };

  const onEnd = (): void => {
    inFlight = false;
    const h = head!;
    cursor = pollCursor(h.headers) ?? cursor;
    let messages = 0;
    let payload = 0;
    if (h.status === 200 && bodyBytes > 0) {
      const all = Buffer.concat(body);
      // One message alone has no LF after it, several have one each: a LF appended ends the last line either way.
      new LineSplitter().push(Buffer.concat([all, NEWLINE]), 0, all.length + 1, (b, s, e) => {
        if (e === s) return;
        messages++;
        payload += e - s;
        life.delivery.receive(b, s, e);
      });
    } else if (h.status !== 304 && h.status !== 408) tally.error(`HTTP_${h.status}`);
    const wire = h.headBytes + (messages > 0 ? rawPollBodyBytes(messages, payload / messages) : bodyBytes);
    if (!subscribed) {
      // Short polling: the first exchange is the subscription. (Long polling marked it when the request went out.)
      model.subscribed(0, wire);
      subscribed = true;
      life.markSetup();
      ctx.onSubscribed();
    } else {
      // Split as the embedded polls are (transports/polling/model.ts), on the client's socket and in the model alike.
      model.answered(wire, messages > 0);
      life.responded(pendingCursor === 0 && messages === 0);
    }
    if (life.stopped || life.complete()) return markDone();
    // A poll that brought a message asks again at once (nchan answers one message per interval poll); an empty one
    // waits the interval. A long poll always asks again at once.
    // The first interval after subscribing is spread over the worker's clients (golden-ratio sequence), as the
    // embedded client spreads its first polls, so the polls of all clients do not fall in one instant.
    if (hold || messages > 0) send();
    else timer = setTimeout(send, firstWait ? ((ctx.index * 0.618_033_988_75) % 1) * ctx.options.intervalMs : ctx.options.intervalMs);
    firstWait = false;
  };

  const connect = () => {
    parser = new ResponseParser({
      onHead: (h) => {
        head = h;
        body = [];
        bodyBytes = 0;
      },
      onBody: (b, s, e) => {
        body.push(Buffer.from(b.subarray(s, e)));
        bodyBytes += e - s;
      },
      onEnd,
    });
    return life.open(
      (buf, end) => parser!.execute(buf, 0, end),
      send,
      () => {
        if (!inFlight) return;
        inFlight = false;
        if (!life.stopped) timer = setTimeout(send, RETRY_MS);
      },
      () => (inFlight ? 'CLOSED_BEFORE_RESPONSE' : null),
    );
  };

  function send(): void {
    timer = null;
    if (life.stopped) return;
    const s = life.socket && !life.socket.destroyed ? life.socket : connect();
    const extra: Array<[string, string]> = cursor ? [['If-Modified-Since', cursor.lastModified], ['If-None-Match', cursor.etag]] : [];
    const req = requestHead(ctx, 'poll', path, {}, extra);
    inFlight = true;
    s.write(req.text);
    if (!subscribed && hold) {
      // The long poll's subscription is its first request: nchan holds it until the first message, so its answer is
      // an exchange of its own, asked at the cursor the client holds, with no request bytes after set-up.
      model.subscribed(req.modelBytes, 0);
      subscribed = true;
      life.markSetup();
      ctx.onSubscribed();
      pendingCursor = life.delivery.cursor;
      model.requested(pendingCursor, 0);
    } else if (!subscribed) model.subscribed(req.modelBytes, 0);
    else {
      pendingCursor = life.delivery.cursor;
      model.requested(pendingCursor, req.modelBytes);
      life.requested(pendingCursor);
    }
  }

  return {
    start: send,
    finish(seq) {
      life.lastSeq = seq;
      if (life.complete() && (!inFlight || hold)) markDone();
    },
    stop() {
      life.stopped = true;
      markDone();
    },
    close() {
      life.stopped = true;
      if (timer) clearTimeout(timer);
      life.socket?.destroy();
    },
    settle: (lastSeq) => model.settle(lastSeq),
  };
}

/**
 * A response whose body ends with the connection (nchan's eventsource and http-raw-stream have neither a length nor
 * chunks): the head, then every byte after it to `onBody`.
 */
function headThenBody(onHead: (h: ResponseHead) => void, onBody: (buf: Buffer) => void): (chunk: Buffer) => void {
  let pending: Buffer | null = null;
  let inBody = false;
  return (chunk) => {
    if (inBody) return onBody(chunk);
    const buf = pending ? Buffer.concat([pending, chunk]) : chunk;
    const h = parseHead(buf);
    if (!h) {
      pending = Buffer.from(buf);
      return;
    }
    pending = null;
    inBody = true;
    onHead(h);
    if (buf.length > h.headBytes) onBody(buf.subarray(h.headBytes));
  };
}

/** EventSource (`sse`) and http-raw-stream (`http-streaming`). */
function streamClient(ctx: ClientContext, sse: boolean): SimClient {
  const { tally } = ctx;
  const life = new Lifecycle(ctx, new Delivery(tally));
  let subscribedOnce = false;
  let lastEventId: string | null = null;

  const connect = (): void => {
    const extra: Array<[string, string]> = sse && lastEventId !== null ? [['Last-Event-ID', lastEventId]] : [];
    const req = requestHead(ctx, sse ? 'sse' : 'stream', sse ? NCHAN_PATHS.sse : NCHAN_PATHS['http-streaming'], {}, extra);
    const lines = new LineSplitter();
    let setupDone = false;
    let eventId: string | null = null;
    let data: Buffer | null = null;
    let comment = false;
    const subscribedNow = (): void => {
      setupDone = true;
      life.markSetup();
      if (!subscribedOnce) {
        subscribedOnce = true;
        ctx.onSubscribed();
      }
    };
    const onSseLine = (b: Buffer, s: number, e: number): void => {
      if (e === s) {
        if (data) {
          life.delivery.receive(data, 0, data.length);
          if (eventId !== null) lastEventId = eventId;
          tally.model.s2c += sseEventBytes(eventId ?? '', data.length) - (eventId === null ? 'id: \n'.length : 0);
          if (life.complete()) life.markDone();
        } else if (comment) {
          // The blank line that ends nchan's opening comment: the subscription is complete.
          if (setupDone) tally.model.s2c += 1;
          else {
            tally.model.setupS2c += 1;
            subscribedNow();
          }
        }
        data = null;
        eventId = null;
        comment = false;
        return;
      }
      if (b[s] === 0x3a /* : */) {
        comment = true;
        if (setupDone) tally.model.s2c += sseCommentBytes(b.toString('latin1', s, e));
        else tally.model.setupS2c += sseCommentBytes(b.toString('latin1', s, e));
      } else if (b.toString('latin1', s, s + 6) === 'data: ') data = Buffer.from(b.subarray(s + 6, e));
      else if (b.toString('latin1', s, s + 4) === 'id: ') eventId = b.toString('latin1', s + 4, e);
      else tally.error('SSE_UNEXPECTED_FIELD');
    };
    const onStreamLine = (b: Buffer, s: number, e: number): void => {
      life.delivery.receive(b, s, e);
      tally.model.s2c += rawStreamMessageBytes(e - s);
      if (life.complete()) life.markDone();
    };
    const onData = headThenBody(
      (h) => {
        if (h.status !== 200) throw new Error(`HTTP_${h.status}`);
        tally.model.setupS2c += h.headBytes;
        if (!sse) subscribedNow();
      },
      (buf) => lines.push(buf, 0, buf.length, sse ? onSseLine : onStreamLine),
    );
    const s = life.open((buf, end) => onData(buf.subarray(0, end)), connect, undefined, () => (s.bytesRead === 0 ? 'CLOSED_BEFORE_RESPONSE' : null));
    // Counted as written: the bytes are measured at this socket, which counts a request nginx closed on unanswered.
    tally.model.setupC2s += req.modelBytes;
    s.write(req.text);
  };
  return life.pushClient(connect);
}

/** WebSocket: the handshake, then one text frame per message. */
function websocketClient(ctx: ClientContext): SimClient {
  const { tally } = ctx;
  const life = new Lifecycle(ctx, new Delivery(tally));
  let subscribedOnce = false;
  const connect = (): void => {
    const key = randomBytes(16).toString('base64');
    const req = requestHead(ctx, 'websocket', NCHAN_PATHS.websocket, { key });
    let open = false;
    let pending: Buffer | null = null;
    const reader = new WsFrameReader((opcode, _fin, payload, frameBytes) => {
      if (opcode === 1 || opcode === 2) {
        tally.model.s2c += wsMessageBytes(payload.length);
        life.delivery.receive(payload, 0, payload.length);
        if (life.complete()) life.markDone();
      } else if (opcode === 9) {
        tally.model.s2c += frameBytes;
        const pong = maskedFrame(0xa, Buffer.from(payload));
        tally.model.c2s += pong.length;
        s.write(pong);
      } else if (opcode === 8) s.end();
    });
    const onData = (chunk: Buffer): void => {
      if (open) return reader.push(chunk);
      const buf = pending ? Buffer.concat([pending, chunk]) : chunk;
      const h = parseHead(buf);
      if (!h) {
        pending = Buffer.from(buf);
        return;
      }
      pending = null;
      if (h.status !== 101) throw new Error(`HTTP_${h.status}`);
      if (h.headers['sec-websocket-accept'] !== wsAcceptKey(key)) throw new Error('WS_BAD_ACCEPT');
      tally.model.setupS2c += h.headBytes;
      open = true;
      life.markSetup();
      if (!subscribedOnce) {
        subscribedOnce = true;
        ctx.onSubscribed();
      }
      if (buf.length > h.headBytes) reader.push(buf.subarray(h.headBytes));
    };
    const s = life.open(
      (buf, end) => onData(buf.subarray(0, end)),
      connect,
      () => {
        if (!life.stopped) setTimeout(() => !life.stopped && connect(), RETRY_MS);
      },
      () => (open ? null : 'CLOSED_IN_HANDSHAKE'),
    );
    tally.model.setupC2s += req.modelBytes;
    s.write(req.text);
  };
  return life.pushClient(connect, () => closeWebSocket(life.socket));
}

export function nchanClient(transport: TransportName): ClientFactory {
  switch (transport) {
    case 'short-polling':
      return (ctx) => pollClient(ctx, false);
    case 'long-polling':
      return (ctx) => pollClient(ctx, true);
    case 'sse':
      return (ctx) => streamClient(ctx, true);
    case 'http-streaming':
      return (ctx) => streamClient(ctx, false);
    case 'websocket':
      return websocketClient;
  }
}
