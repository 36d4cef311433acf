/**
 * An RFC 6455 client on a raw socket: the upgrade request is the profile's head byte for byte, frames from the
 * server are parsed here, pings are answered with masked pongs. With permessage-deflate (RFC 7692) it offers what
 * browsers offer and inflates with context takeover, as `ws` servers compress by default.
 *
 * The path of a message is kept free of allocation: the frame is read in place from the read buffer the worker shares
 * (harness/protocol/ws-frames.ts), its sequence number and publish time are read from its bytes, and nothing is
 * created per message but a copy of a frame that a read boundary cut.
 */
import { randomBytes } from 'node:crypto';
import type net from 'node:net';
import zlib from 'node:zlib';
import { WebSocketModel, wsAcceptKey } from './model.js';
import { parseHead } from '../../protocol/http1.js';
import { closeWebSocket, maskedFrame, WsFrameParser, type WsFrameSink } from '../../protocol/ws-frames.js';
import { Delivery, Lifecycle, h2Request, isH2, requestHead, type ClientContext, type ConnectionReader, type ModelBytes, type SimClient } from '../client.js';
import { H2ClientConnection } from '../../protocol/h2/client.js';
import { h2Total } from '../../protocol/h2/frames.js';

/** SETTINGS_ENABLE_CONNECT_PROTOCOL (RFC 8441 §3). */
const SETTINGS_ENABLE_CONNECT_PROTOCOL = 0x8;

/**
 * The profile's upgrade request as an extended CONNECT (RFC 8441 §4, §5): `:method CONNECT`, `:protocol websocket`,
 * no Sec-WebSocket-Key (nor Upgrade and Connection, which HTTP/2 forbids); the rest as the profile has it.
 */
export function extendedConnect(headers: Array<[string, string]>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [n, v] of headers) {
    if (n === 'sec-websocket-key') continue;
    if (n === ':method') out.push([':method', 'CONNECT'], [':protocol', 'websocket']);
    else out.push([n, v]);
  }
  return out;
}

const DEFLATE_OFFER = 'permessage-deflate; client_max_window_bits';
const DEFLATE_TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);
const EMPTY = Buffer.alloc(0);

/** The model keeps no state of its own, so the clients of one worker share one: one object fewer per message. */
const models = new WeakMap<ModelBytes, WebSocketModel>();
function sharedModel(m: ModelBytes): WebSocketModel {
  let model = models.get(m);
  if (!model) models.set(m, (model = new WebSocketModel(m)));
  return model;
}

class WebSocketClient implements WsFrameSink, ConnectionReader {
  private readonly life: Lifecycle;
  private readonly delivery: Delivery;
  private readonly model: WebSocketModel;
  private readonly deflate: boolean;
  private readonly frames = new WsFrameParser(this);
  private subscribedOnce = false;
  // The current connection.
  private socket: net.Socket | null = null;
  private key = '';
  private requestBytes = 0;
  private open = false;
  /** The handshake response so far, when it spans reads. */
  private pendingHead: Buffer | null = null;
  private inflater: zlib.InflateRaw | null = null;
  private inflating: Promise<void> = Promise.resolve();
  private fragments: Buffer[] | null = null;
  private fragmentsCompressed = false;
  /** HTTP/2 (RFC 8441): the connection, and the extended CONNECT stream that carries the RFC 6455 frames. */
  private conn: H2ClientConnection | null = null;
  private streamId = 0;

  constructor(private readonly ctx: ClientContext) {
    this.life = new Lifecycle(ctx, new Delivery(ctx.tally));
    this.delivery = this.life.delivery;
    this.model = sharedModel(ctx.tally.model);
    this.deflate = !!ctx.options.perMessageDeflate;
  }

  simClient(): SimClient {
    return this.life.pushClient(this.connect, () => (isH2(this.ctx) ? this.life.socket?.destroy() : closeWebSocket(this.life.socket)));
  }

  private readonly connect = (): void => {
    const { ctx, life } = this;
    this.key = randomBytes(16).toString('base64');
    const extra: Array<[string, string]> = this.deflate ? [['Sec-WebSocket-Extensions', DEFLATE_OFFER]] : [];
    // Resuming is the application's addition (RFC 6455 has none): `?since=N` on the reconnect's request target.
    const path = ctx.profile.paths.websocket;
    const target = life.resume && this.subscribedOnce ? `${path}?since=${this.delivery.cursor}` : path;
    const req = requestHead(ctx, 'websocket', target, { key: this.key }, extra);
    this.requestBytes = req.modelBytes;
    this.open = false;
    this.pendingHead = null;
    this.inflater = null;
    this.inflating = Promise.resolve();
    this.fragments = null;
    this.frames.reset();
    const s = life.open(
      this,
      this.connect,
      this.onClose,
      () => (this.open ? null : s.bytesRead === 0 ? 'CLOSED_BEFORE_HANDSHAKE' : 'CLOSED_IN_HANDSHAKE'),
    );
    this.socket = s;
    // Pings from the server keep a live connection from looking idle.
    life.idleTimeout(life.pushIdleMs);
    this.conn = null;
    if (isH2(ctx)) return this.connectH2(s, target);
    s.write(req.text);
  };

  /** WebSocket over HTTP/2 (RFC 8441): preface and SETTINGS, then an extended CONNECT whose DATA carries the frames. */
  private connectH2(s: net.Socket, target: string): void {
    const { ctx, life, model } = this;
    const tally = ctx.tally;
    const c = new H2ClientConnection((b) => s.write(b), true, () => (tally.model.h2WindowUpdates = (tally.model.h2WindowUpdates ?? 0) + 1));
    this.conn = c;
    c.start();
    this.streamId = c.request(
      extendedConnect(h2Request(ctx, 'websocket', target, [], { key: this.key })),
      {
        onHead: (status) => {
          if (c.serverSettings.get(SETTINGS_ENABLE_CONNECT_PROTOCOL) !== 1) throw new Error('H2_NO_EXTENDED_CONNECT');
          if (status !== 200) throw new Error(`HTTP_${status}`);
          const c2s = c.takeC2s();
          const s2c = c.takeS2c();
          model.h2Setup(h2Total(c2s), h2Total(s2c), c2s, s2c);
          this.upgradedNow();
        },
        onBody: (buf, start, end) => this.frames.push(buf, start, end),
        onEnd: () => s.end(),
        onReset: (code) => {
          throw new Error(`H2_RST_STREAM_${code}`);
        },
      },
      false,
    );
  }

  /** A frame from this end: on the socket, or over HTTP/2 as DATA on the CONNECT stream. */
  private writeFrame(b: Buffer): void {
    if (this.conn) this.conn.data(this.streamId, b);
    else this.socket?.write(b);
  }

  private readonly onClose = (): void => {
    this.inflater?.close();
    const { life } = this;
    if (!life.stopped) setTimeout(() => !life.stopped && this.connect(), life.retryMs());
  };

  /** Every read of the connection (ConnectionReader): `buf[0, end)`, valid until the call returns. */
  read(buf: Buffer, end: number): void {
    if (this.conn) return this.conn.push(buf.subarray(0, end));
    if (this.open) return this.frames.push(buf, 0, end);
    const head = this.pendingHead ? Buffer.concat([this.pendingHead, buf.subarray(0, end)]) : buf.subarray(0, end);
    const at = this.handshake(head);
    if (at >= 0) this.frames.push(head, at, head.length);
  }

  /** Reads the 101 at the start of `buf`: where the frames begin, or -1 while the head is incomplete. */
  private handshake(buf: Buffer): number {
    const { ctx, life, model } = this;
    const head = parseHead(buf);
    if (!head) {
      this.pendingHead = Buffer.from(buf);
      return -1;
    }
    this.pendingHead = null;
    // The request counts once the server has answered it: the cluster primary may accept and close a connection
    // unread (libuv's EMFILE reserve), and the retry must not count the same request twice.
    model.requested(this.requestBytes);
    if (head.status !== 101) throw new Error(`HTTP_${head.status}`);
    if (head.headers['sec-websocket-accept'] !== wsAcceptKey(this.key)) throw new Error('WS_BAD_ACCEPT');
    const ext = head.headers['sec-websocket-extensions'];
    if (ext) {
      if (!this.deflate || !ext.startsWith('permessage-deflate')) throw new Error('WS_UNEXPECTED_EXTENSION');
      this.inflater = zlib.createInflateRaw({ windowBits: 15 });
    }
    const extraHeads: Array<[string, string]> = ext ? [['Sec-WebSocket-Extensions', ext]] : [];
    model.upgraded(this.key, [...extraHeads, ...ctx.profile.responses.websocket], ctx.headsAsReceived ? head.headBytes : undefined);
    this.upgradedNow();
    return head.headBytes;
  }

  /** The upgrade is done (either protocol): set-up ends here, and the first one subscribes the client. */
  private upgradedNow(): void {
    this.open = true;
    this.life.markSetup();
    this.life.answered();
    if (!this.subscribedOnce) {
      this.subscribedOnce = true;
      this.ctx.onSubscribed();
    }
  }

  /** One server frame (WsFrameSink): the payload is `buf[start, end)`, read in place. */
  frame(opcode: number, fin: boolean, rsv1: boolean, buf: Buffer, start: number, end: number): boolean {
    if (opcode <= 2) {
      // The model: every data frame is a server frame header (no mask) and its payload as sent; over HTTP/2, the
      // frames that carried it (and any control frame before), and what this end sent meanwhile (WINDOW_UPDATE).
      const conn = this.conn;
      if (conn) {
        const kinds = conn.takeS2c();
        this.model.h2Frames('s2c', h2Total(kinds), kinds);
        const sent = conn.takeC2s();
        if (h2Total(sent) > 0) this.model.h2Frames('c2s', h2Total(sent), sent);
      } else this.model.dataFrame(end - start);
      // RSV1 marks a compressed message (RFC 7692 §6), and only where the extension was agreed (RFC 6455 §5.2).
      if (rsv1 && (opcode === 0 || !this.inflater)) throw new Error('WS_BAD_RSV');
      if (opcode === 0) {
        if (!this.fragments) throw new Error('WS_UNEXPECTED_CONTINUATION');
        this.fragments.push(Buffer.from(buf.subarray(start, end)));
        if (fin) {
          const whole = Buffer.concat(this.fragments);
          this.fragments = null;
          this.message(whole, 0, whole.length, this.fragmentsCompressed);
        }
      } else {
        if (this.fragments) throw new Error('WS_UNFINISHED_FRAGMENTS');
        if (fin) this.message(buf, start, end, rsv1);
        else {
          this.fragments = [Buffer.from(buf.subarray(start, end))];
          this.fragmentsCompressed = rsv1;
        }
      }
      return true;
    }
    if (opcode === 9) {
      this.writeFrame(maskedFrame(0xa, Buffer.from(buf.subarray(start, end))));
      return true;
    }
    if (opcode === 8) {
      if (this.conn) {
        this.writeFrame(maskedFrame(0x8, EMPTY));
        this.socket?.end();
      } else this.socket?.end(maskedFrame(0x8, EMPTY));
      return false;
    }
    return true; // a pong: nothing to do
  }

  /** One whole message. Uncompressed delivery is synchronous, so the payload is read in place; inflating copies. */
  private message(buf: Buffer, start: number, end: number, compressed: boolean): void {
    if (!compressed) return this.deliver(buf, start, end);
    const inflater = this.inflater!;
    const payload = Buffer.concat([buf.subarray(start, end), DEFLATE_TAIL]);
    // Inflate in order, one message at a time, keeping the window between messages (context takeover).
    this.inflating = this.inflating.then(
      () =>
        new Promise<void>((resolve) => {
          const out: Buffer[] = [];
          const onData = (d: Buffer): number => out.push(d);
          inflater.on('data', onData);
          inflater.write(payload);
          inflater.flush(zlib.constants.Z_SYNC_FLUSH, () => {
            inflater.off('data', onData);
            const whole = Buffer.concat(out);
            this.deliver(whole, 0, whole.length);
            resolve();
          });
        }),
    );
  }

  private deliver(buf: Buffer, start: number, end: number): void {
    this.delivery.receive(buf, start, end);
    if (this.life.complete()) this.life.markDone();
  }
}

export function createWebSocketClient(ctx: ClientContext): SimClient {
  return new WebSocketClient(ctx).simClient();
}

export const createClient = createWebSocketClient;
