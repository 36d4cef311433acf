/**
 * SSE and HTTP streaming clients: one GET, one long chunked response, messages parsed out of the body.
 * SSE reads `id:` and `data:` lines and resumes with Last-Event-ID after a dropped connection; the streaming
 * client reads newline-delimited bodies and, after a drop, simply reconnects (what it missed is counted lost).
 */
import { chunkBytes, sseEventBytes } from '../framing.js';
import { LineSplitter, ResponseParser, type ResponseHead } from './http1.js';
import { Delivery, Lifecycle, requestHead, responseHeadModel, type ClientContext, type SimClient } from './client.js';

const STATUS_200 = 'HTTP/1.1 200 OK';

export function createStreamClient(ctx: ClientContext, sse: boolean): SimClient {
  const { tally, profile } = ctx;
  const kind = sse ? 'sse' : 'stream';
  const life = new Lifecycle(ctx, new Delivery(tally));
  const { delivery } = life;
  const lines = new LineSplitter();
  const responseHeadBytes = responseHeadModel(STATUS_200, profile.responses[kind]);
  let subscribedOnce = false;
  let lastEventId = -1;
  let eventId = -1;
  let data: Buffer | null = null;

  const received = (seq: number, payloadBytes: number): void => {
    // The model: one chunk per message, carrying the SSE event or the body and its newline.
    tally.model.s2c += chunkBytes(sse ? sseEventBytes(seq, payloadBytes) : payloadBytes + 1);
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
    if (buf[start] === 0x64 /* d */ && buf.toString('latin1', start, start + 6) === 'data: ') {
      // A view, not a copy: Node hands every read a fresh buffer, so it stays valid until the blank line.
      data = buf.subarray(start + 6, end);
    } else if (buf[start] === 0x69 /* i */ && buf.toString('latin1', start, start + 4) === 'id: ') {
      eventId = Number(buf.toString('latin1', start + 4, end));
    }
  };
  const onStreamLine = (buf: Buffer, start: number, end: number): void => {
    const seq = delivery.receive(buf, start, end);
    if (seq > 0) received(seq, end - start);
  };

  let requestBytes = 0;
  const onHead = (head: ResponseHead): void => {
    // The request counts once the server has answered it: the cluster primary may accept and close a connection
    // unread (libuv's EMFILE reserve), and the retry must not count the same request twice.
    tally.model.setupC2s += requestBytes;
    requestBytes = 0;
    if (head.status !== 200) {
      tally.error(`HTTP_${head.status}`);
      return;
    }
    tally.model.setupS2c += responseHeadBytes();
    if (!subscribedOnce) {
      subscribedOnce = true;
      ctx.onSubscribed();
    }
  };
  const onBody = (buf: Buffer, start: number, end: number): void =>
    lines.push(buf, start, end, sse ? onSseLine : onStreamLine);

  const connect = (): void => {
    const extra: Array<[string, string]> = sse && lastEventId >= 0 ? [['Last-Event-ID', String(lastEventId)]] : [];
    const req = requestHead(ctx, kind, profile.paths[kind], {}, extra);
    lines.reset();
    let parser: ResponseParser | null = null;
    const s = life.open(
      (chunk) => parser!.execute(chunk),
      connect,
      undefined,
      () => (requestBytes > 0 ? (s.bytesRead === 0 ? 'CLOSED_BEFORE_RESPONSE' : 'CLOSED_IN_RESPONSE') : null),
    );
    parser = new ResponseParser({ onHead, onBody, onEnd: () => s.end() });
    requestBytes = req.modelBytes;
    s.write(req.text);
  };

  return life.pushClient(connect);
}
