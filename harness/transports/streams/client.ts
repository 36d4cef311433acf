/**
 * SSE and HTTP streaming clients: one GET, one long chunked response, messages parsed out of the body.
 * SSE reads `id:` and `data:` lines and resumes with Last-Event-ID after a dropped connection; the streaming
 * client reads newline-delimited bodies and resumes with `?since=N` (the application's own addition: the protocol has
 * none). With resume off (`--no-resume`) both reconnect as new subscribers and what they missed is counted lost.
 * Heartbeats (SSE comments, empty lines) only keep the connection from looking idle.
 */
import { StreamModel } from './model.js';
import { LineSplitter, ResponseParser, type ResponseHead } from '../../protocol/http1.js';
import { Delivery, Lifecycle, requestHead, responseHeadModel, type ClientContext, type SimClient } from '../client.js';

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
  // The current event's data line: bytes [dataStart, dataEnd) of dataBuf, a view of the read until the read ends.
  let dataBuf: Buffer | null = null;
  let dataStart = 0;
  let dataEnd = 0;
  let dataCopied = false;

  const received = (seq: number, payloadBytes: number): void => {
    model.message(seq, payloadBytes);
    if (life.complete()) life.markDone();
  };

  const onSseLine = (buf: Buffer, start: number, end: number): void => {
    if (end === start) {
      // Blank line: dispatch the event.
      if (dataBuf) {
        const seq = delivery.receive(dataBuf, dataStart, dataEnd);
        if (eventId >= 0) lastEventId = eventId;
        if (seq > 0) received(eventId >= 0 ? eventId : seq, dataEnd - dataStart);
      }
      dataBuf = null;
      eventId = -1;
      return;
    }
    if (hasPrefix(buf, start, end, DATA_FIELD)) {
      // In place, not a copy: the blank line usually follows in the same read (onBody copies it if not).
      dataBuf = buf;
      dataStart = start + DATA_FIELD.length;
      dataEnd = end;
      dataCopied = false;
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
    model.subscribed(req, ctx.headsAsReceived ? head.headBytes : responseHeadBytes());
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
    if (dataBuf && !dataCopied) {
      dataBuf = Buffer.from(dataBuf.subarray(dataStart, dataEnd));
      dataStart = 0;
      dataEnd = dataBuf.length;
      dataCopied = true;
    }
  };

  const connect = (): void => {
    const resuming = life.resume && subscribedOnce;
    const extra: Array<[string, string]> = sse && resuming && lastEventId >= 0 ? [['Last-Event-ID', String(lastEventId)]] : [];
    const target = !sse && resuming ? `${profile.paths[kind]}?since=${delivery.cursor}` : profile.paths[kind];
    const req = requestHead(ctx, kind, target, {}, extra);
    lines.reset();
    let parser: ResponseParser | null = null;
    const s = life.open(
      (buf, end) => parser!.execute(buf, 0, end),
      connect,
      undefined,
      () => (requestBytes > 0 ? (s.bytesRead === 0 ? 'CLOSED_BEFORE_RESPONSE' : 'CLOSED_IN_RESPONSE') : null),
    );
    parser = new ResponseParser({ onHead, onBody, onEnd: () => s.end() });
    life.idleTimeout(life.pushIdleMs);
    requestBytes = req.modelBytes;
    s.write(req.text);
  };

  return life.pushClient(connect);
}
