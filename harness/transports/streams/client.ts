/**
 * SSE and HTTP streaming clients: one GET, one long chunked response, messages parsed out of the body.
 * SSE reads `id:` and `data:` lines and resumes with Last-Event-ID after a dropped connection; the streaming
 * client reads newline-delimited bodies and resumes with `?since=N` (the application's own addition: the protocol has
 * none). With resume off (`--no-resume`) both reconnect as new subscribers and what they missed is counted lost.
 * Heartbeats (SSE comments, empty lines) only keep the connection from looking idle.
 */
import { StreamModel } from './model.js';
import { LineSplitter, ResponseParser, type ResponseHead } from '../../protocol/http1.js';
import { Delivery, Lifecycle, h2Request, isH2, requestHead, responseHeadModel, type ClientContext, type SimClient } from '../client.js';
import { H2ClientConnection } from '../../protocol/h2/client.js';
import { h2Total } from '../../protocol/h2/frames.js';

const STATUS_200 = 'HTTP/1.1 200 OK';
const DATA_FIELD = Buffer.from('data: ');
const ID_FIELD = Buffer.from('id: ');

/** Bytes [start, end) begin with `prefix`. */
function hasPrefix(buf: Buffer, start: number, end: number, prefix: Buffer): boolean {
  if (end - start < prefix.length) return false;
  for (let k = 0; k < prefix.length; k++) if (buf[start + k] !== prefix[k]) return false;
  return true;
}

/** The decimal number in bytes [start, end), or -1 when they are not all digits. */
function decimalAt(buf: Buffer, start: number, end: number): number {
  if (end <= start) return -1;
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = buf[i]! - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

export function createStreamClient(ctx: ClientContext, sse: boolean): SimClient {
  const { tally, profile } = ctx;
  const kind = sse ? 'sse' : 'stream';
  const life = new Lifecycle(ctx, new Delivery(tally));
  const { delivery } = life;
  const lines = new LineSplitter();
  const responseHeadBytes = responseHeadModel(STATUS_200, profile.responses[kind]);
  const model = new StreamModel(tally.model, sse);
  let subscribedOnce = false;
  let lastEventId = -1;
  let eventId = -1;
  let data: Buffer | null = null;
  // HTTP/2: the stream is one stream on the client's connection; the model is the frames it wrote and read.
  const h2 = isH2(ctx);
  let conn: H2ClientConnection | null = null;

  const received = (seq: number, payloadBytes: number): void => {
    if (conn) {
      // Every frame up to this message's DATA (and any control frame before it) is this message's share.
      const kinds = conn.takeS2c();
      model.frames(h2Total(kinds), kinds);
      // A WINDOW_UPDATE is the only thing this end sends once subscribed: counted with the message that prompted it.
      const sent = conn.takeC2s();
      if (h2Total(sent) > 0) model.sent(h2Total(sent), sent);
    } else model.message(seq, payloadBytes);
    if (life.complete()) life.markDone();
  };

  const onSseLine = (buf: Buffer, start: number, end: number): void => {
    if (end === start) {
      // Blank line: dispatch the event.
      if (data) {
        const seq = delivery.receive(data, 0, data.length);
        if (eventId >= 0) lastEventId = eventId;
        if (seq > 0) received(eventId >= 0 ? eventId : seq, data.length);
      }
      data = null;
      eventId = -1;
      return;
    }
    if (hasPrefix(buf, start, end, DATA_FIELD)) {
      // A view, not a copy: the blank line usually follows in the same read (onBody copies it if not).
      data = buf.subarray(start + DATA_FIELD.length, end);
    } else if (hasPrefix(buf, start, end, ID_FIELD)) {
      eventId = decimalAt(buf, start + ID_FIELD.length, end);
    }
  };
  const onStreamLine = (buf: Buffer, start: number, end: number): void => {
    if (end === start) return; // a heartbeat
    const seq = delivery.receive(buf, start, end);
    if (seq > 0) received(seq, end - start);
  };

  let requestBytes = 0;
  const onHead = (head: ResponseHead): void => {
    // The request counts once the server has answered it: the cluster primary may accept and close a connection
    // unread (libuv's EMFILE reserve), and the retry must not count the same request twice.
    const req = requestBytes;
    requestBytes = 0;
    if (head.status !== 200) {
      model.subscribed(req, 0);
      tally.error(`HTTP_${head.status}`);
      return;
    }
    if (conn) {
      const c2s = conn.takeC2s();
      const s2c = conn.takeS2c();
      model.subscribed(h2Total(c2s), h2Total(s2c), c2s, s2c);
    } else model.subscribed(req, ctx.headsAsReceived ? head.headBytes : responseHeadBytes());
    life.markSetup();
    life.answered();
    if (!subscribedOnce) {
      subscribedOnce = true;
      ctx.onSubscribed();
    }
  };
  const onBody = (buf: Buffer, start: number, end: number): void => {
    lines.push(buf, start, end, sse ? onSseLine : onStreamLine);
    // An event whose blank line has not arrived yet: keep its data past this read (the read buffer is reused).
    if (data) data = Buffer.from(data);
  };

  const connect = (): void => {
    const resuming = life.resume && subscribedOnce;
    const extra: Array<[string, string]> = sse && resuming && lastEventId >= 0 ? [['Last-Event-ID', String(lastEventId)]] : [];
    const target = !sse && resuming ? `${profile.paths[kind]}?since=${delivery.cursor}` : profile.paths[kind];
    lines.reset();
    let parser: ResponseParser | null = null;
    conn = null;
    const s = life.open(
      (chunk) => (conn ? conn.push(chunk) : parser!.execute(chunk)),
      connect,
      undefined,
      () => (requestBytes > 0 ? (s.bytesRead === 0 ? 'CLOSED_BEFORE_RESPONSE' : 'CLOSED_IN_RESPONSE') : null),
    );
    life.idleTimeout(life.pushIdleMs);
    if (h2) {
      conn = new H2ClientConnection((b) => s.write(b), true, () => (tally.model.h2WindowUpdates = (tally.model.h2WindowUpdates ?? 0) + 1));
      conn.start();
      // Counted when answered, from the frames themselves (`onHead`); non-zero means a request is in flight.
      requestBytes = 1;
      conn.request(h2Request(ctx, kind, target, extra), {
        onHead: (status, headerBlockBytes) => onHead({ status, headers: {}, headBytes: headerBlockBytes }),
        onBody,
        onEnd: () => s.end(),
        onReset: (code) => {
          throw new Error(`H2_RST_STREAM_${code}`);
        },
      });
      return;
    }
    const req = requestHead(ctx, kind, target, {}, extra);
    parser = new ResponseParser({ onHead, onBody, onEnd: () => s.end() });
    requestBytes = req.modelBytes;
    s.write(req.text);
  };

  return life.pushClient(connect);
}
