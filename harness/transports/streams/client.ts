/**
 * SSE and HTTP streaming clients: one GET, one long chunked response, messages parsed out of the body.
 * SSE reads `id:` and `data:` lines and resumes with Last-Event-ID after a dropped connection; the streaming
 * client reads newline-delimited bodies and resumes with `?since=N` (the application's own addition: the protocol has
 * none). With resume off (`--no-resume`) both reconnect as new subscribers and what they missed is counted lost.
 * Heartbeats (SSE comments, empty lines) only keep the connection from looking idle.
 *
 * A message is read in place from the read buffer the worker shares: the client is its parser's sink, lines are
 * offsets into the read, and nothing is created per message but copies of what a read boundary cut.
 */
import { StreamModel } from './model.js';
import { LineSplitter, ResponseParser, type ResponseHead, type ResponseSink } from '../../protocol/http1.js';
import { Delivery, Lifecycle, h2Request, isH2, requestHead, responseHeadModel, type ClientContext, type ConnectionReader, type ModelBytes, type SimClient } from '../client.js';
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

/** The model keeps no state of its own, so the clients of one worker share one per format. */
const models = [new WeakMap<ModelBytes, StreamModel>(), new WeakMap<ModelBytes, StreamModel>()];
function sharedModel(m: ModelBytes, sse: boolean): StreamModel {
  const byTally = models[sse ? 1 : 0]!;
  let model = byTally.get(m);
  if (!model) byTally.set(m, (model = new StreamModel(m, sse)));
  return model;
}

class StreamClient implements ResponseSink, ConnectionReader {
  private readonly kind: 'sse' | 'stream';
  private readonly life: Lifecycle;
  private readonly delivery: Delivery;
  private readonly model: StreamModel;
  private readonly responseHeadBytes: (length?: number) => number;
  private readonly lines = new LineSplitter();
  private parser: ResponseParser | null = null;
  private subscribedOnce = false;
  /** The request of the current connection, until it is answered. */
  private requestBytes = 0;
  private lastEventId = -1;
  private eventId = -1;
  // The current event's data line: bytes [dataStart, dataEnd) of dataBuf, a view of the read until the read ends.
  private dataBuf: Buffer | null = null;
  private dataStart = 0;
  private dataEnd = 0;
  private dataCopied = false;
  /** HTTP/2: the stream is one stream on this connection; the model is the frames it wrote and read. */
  private conn: H2ClientConnection | null = null;

  constructor(
    private readonly ctx: ClientContext,
    private readonly sse: boolean,
  ) {
    this.kind = sse ? 'sse' : 'stream';
    this.life = new Lifecycle(ctx, new Delivery(ctx.tally));
    this.delivery = this.life.delivery;
    this.model = sharedModel(ctx.tally.model, sse);
    this.responseHeadBytes = responseHeadModel(STATUS_200, ctx.profile.responses[this.kind]);
  }

  simClient(): SimClient {
    return this.life.pushClient(this.connect);
  }

  private readonly connect = (): void => {
    const { ctx, life, sse, kind } = this;
    const resuming = life.resume && this.subscribedOnce;
    const extra: Array<[string, string]> = sse && resuming && this.lastEventId >= 0 ? [['Last-Event-ID', String(this.lastEventId)]] : [];
    const target = !sse && resuming ? `${ctx.profile.paths[kind]}?since=${this.delivery.cursor}` : ctx.profile.paths[kind];
    this.lines.reset();
    this.dataBuf = null;
    this.eventId = -1;
    this.conn = null;
    this.parser = isH2(ctx) ? null : new ResponseParser(this);
    const s = life.open(
      this,
      this.connect,
      undefined,
      () => (this.requestBytes > 0 ? (s.bytesRead === 0 ? 'CLOSED_BEFORE_RESPONSE' : 'CLOSED_IN_RESPONSE') : null),
    );
    life.idleTimeout(life.pushIdleMs);
    if (!this.parser) {
      const tally = ctx.tally;
      const conn = new H2ClientConnection((b) => s.write(b), true, () => (tally.model.h2WindowUpdates = (tally.model.h2WindowUpdates ?? 0) + 1));
      this.conn = conn;
      conn.start();
      // Counted when answered, from the frames themselves (`onHead`); non-zero means a request is in flight.
      this.requestBytes = 1;
      conn.request(h2Request(ctx, kind, target, extra), {
        onHead: (status, headerBlockBytes) => this.onHead({ status, headers: {}, headBytes: headerBlockBytes }),
        onBody: (buf, start, end) => this.onBody(buf, start, end),
        onEnd: () => this.onEnd(),
        onReset: (code) => {
          throw new Error(`H2_RST_STREAM_${code}`);
        },
      });
      return;
    }
    const req = requestHead(ctx, kind, target, {}, extra);
    this.requestBytes = req.modelBytes;
    s.write(req.text);
  };

  /** Every read of the connection (ConnectionReader): `buf[0, end)`, valid until the call returns. */
  read(buf: Buffer, end: number): void {
    if (this.conn) this.conn.push(buf.subarray(0, end));
    else this.parser!.execute(buf, 0, end);
  }

  onHead(head: ResponseHead): void {
    const { ctx, life, model } = this;
    // The request counts once the server has answered it: the cluster primary may accept and close a connection
    // unread (libuv's EMFILE reserve), and the retry must not count the same request twice.
    const req = this.requestBytes;
    this.requestBytes = 0;
    if (head.status !== 200) {
      model.subscribed(req, 0);
      ctx.tally.error(`HTTP_${head.status}`);
      return;
    }
    if (this.conn) {
      const c2s = this.conn.takeC2s();
      const s2c = this.conn.takeS2c();
      model.subscribed(h2Total(c2s), h2Total(s2c), c2s, s2c);
    } else model.subscribed(req, ctx.headsAsReceived ? head.headBytes : this.responseHeadBytes());
    life.markSetup();
    life.answered();
    if (!this.subscribedOnce) {
      this.subscribedOnce = true;
      ctx.onSubscribed();
    }
  }

  onBody(buf: Buffer, start: number, end: number): void {
    this.lines.push(buf, start, end, this.sse ? this.onSseLine : this.onStreamLine);
    // An event whose blank line has not arrived yet: keep its data past this read (the read buffer is reused).
    if (this.dataBuf && !this.dataCopied) {
      this.dataBuf = Buffer.from(this.dataBuf.subarray(this.dataStart, this.dataEnd));
      this.dataStart = 0;
      this.dataEnd = this.dataBuf.length;
      this.dataCopied = true;
    }
  }

  onEnd(): void {
    this.life.socket?.end();
  }

  private received(seq: number, payloadBytes: number): void {
    const conn = this.conn;
    if (conn) {
      // Every frame up to this message's DATA (and any control frame before it) is this message's share.
      const kinds = conn.takeS2c();
      this.model.frames(h2Total(kinds), kinds);
      // A WINDOW_UPDATE is the only thing this end sends once subscribed: counted with the message that prompted it.
      const sent = conn.takeC2s();
      if (h2Total(sent) > 0) this.model.sent(h2Total(sent), sent);
    } else this.model.message(seq, payloadBytes);
    if (this.life.complete()) this.life.markDone();
  }

  private readonly onSseLine = (buf: Buffer, start: number, end: number): void => {
    if (end === start) {
      // Blank line: dispatch the event.
      const data = this.dataBuf;
      if (data) {
        const seq = this.delivery.receive(data, this.dataStart, this.dataEnd);
        if (this.eventId >= 0) this.lastEventId = this.eventId;
        if (seq > 0) this.received(this.eventId >= 0 ? this.eventId : seq, this.dataEnd - this.dataStart);
      }
      this.dataBuf = null;
      this.eventId = -1;
      return;
    }
    if (hasPrefix(buf, start, end, DATA_FIELD)) {
      // In place, not a copy: the blank line usually follows in the same read (onBody copies it if not).
      this.dataBuf = buf;
      this.dataStart = start + DATA_FIELD.length;
      this.dataEnd = end;
      this.dataCopied = false;
    } else if (hasPrefix(buf, start, end, ID_FIELD)) {
      this.eventId = decimalAt(buf, start + ID_FIELD.length, end);
    }
  };

  private readonly onStreamLine = (buf: Buffer, start: number, end: number): void => {
    if (end === start) return; // a heartbeat
    const seq = this.delivery.receive(buf, start, end);
    if (seq > 0) this.received(seq, end - start);
  };
}

export function createStreamClient(ctx: ClientContext, sse: boolean): SimClient {
  return new StreamClient(ctx, sse).simClient();
}
