/**
 * An RFC 6455 client on a raw socket: the upgrade request is the profile's head byte for byte, frames from the
 * server are parsed here, pings are answered with masked pongs. With permessage-deflate (RFC 7692) it offers what
 * browsers offer and inflates with context takeover, as `ws` servers compress by default.
 */
import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import { WebSocketModel, wsAcceptKey } from './model.js';
import { parseHead } from '../../protocol/http1.js';
import { closeWebSocket, maskedFrame } from '../../protocol/ws-frames.js';
import { Delivery, Lifecycle, h2Request, isH2, requestHead, type ClientContext, type SimClient } from '../client.js';
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

export function createWebSocketClient(ctx: ClientContext): SimClient {
  const { tally, profile } = ctx;
  const life = new Lifecycle(ctx, new Delivery(tally));
  const deflate = ctx.options.perMessageDeflate;
  const model = new WebSocketModel(tally.model);
  let subscribedOnce = false;
  // HTTP/2 (RFC 8441): one extended CONNECT stream per client; the model is the frames written and parsed.
  const h2 = isH2(ctx);
  let conn: H2ClientConnection | null = null;

  const deliver = (payload: Buffer): void => {
    life.delivery.receive(payload, 0, payload.length);
    if (life.complete()) life.markDone();
  };

  const connect = (): void => {
    const key = randomBytes(16).toString('base64');
    const extra: Array<[string, string]> = deflate ? [['Sec-WebSocket-Extensions', DEFLATE_OFFER]] : [];
    // Resuming is the application's addition (RFC 6455 has none): `?since=N` on the reconnect's request target.
    const target = life.resume && subscribedOnce ? `${profile.paths.websocket}?since=${life.delivery.cursor}` : profile.paths.websocket;
    const req = requestHead(ctx, 'websocket', target, { key }, extra);
    let pending: Buffer | null = null;
    let open = false;
    let inflater: zlib.InflateRaw | null = null;
    let inflating: Promise<void> = Promise.resolve();
    let fragments: Buffer[] | null = null;
    let fragmentsCompressed = false;
    let streamId = 0;
    /** A frame from this end: on the socket, or over HTTP/2 as DATA on the CONNECT stream. */
    const writeWs = (b: Buffer): void => {
      if (conn) conn.data(streamId, b);
      else s.write(b);
    };

    const message = (payload: Buffer, compressed: boolean): void => {
      if (!compressed) return deliver(payload);
      // Inflate in order, one message at a time, keeping the window between messages (context takeover).
      inflating = inflating.then(
        () =>
          new Promise<void>((resolve) => {
            const out: Buffer[] = [];
            const onData = (d: Buffer): number => out.push(d);
            inflater!.on('data', onData);
            inflater!.write(Buffer.concat([payload, DEFLATE_TAIL]));
            inflater!.flush(zlib.constants.Z_SYNC_FLUSH, () => {
              inflater!.off('data', onData);
              deliver(Buffer.concat(out));
              resolve();
            });
          }),
      );
    };

    const frames = (buf: Buffer): void => {
      let i = 0;
      while (buf.length - i >= 2) {
        const b0 = buf[i]!;
        const b1 = buf[i + 1]!;
        let len = b1 & 0x7f;
        let at = i + 2;
        if (len === 126) {
          if (buf.length - i < 4) break;
          len = buf.readUInt16BE(i + 2);
          at = i + 4;
        } else if (len === 127) {
          if (buf.length - i < 10) break;
          len = Number(buf.readBigUInt64BE(i + 2));
          at = i + 10;
        }
        if (b1 & 0x80) throw new Error('WS_MASKED_SERVER_FRAME');
        if (buf.length - at < len) break;
        const payload = buf.subarray(at, at + len);
        const opcode = b0 & 0x0f;
        const fin = (b0 & 0x80) !== 0;
        const rsv1 = (b0 & 0x40) !== 0;
        i = at + len;
        // The model: every data frame is a server frame header (no mask) and its payload as sent; over HTTP/2, the
        // frames that carried it (and any control frame before), and what this end sent meanwhile (WINDOW_UPDATE).
        if (conn) {
          if (opcode <= 2) {
            const kinds = conn.takeS2c();
            model.h2Frames('s2c', h2Total(kinds), kinds);
            const sent = conn.takeC2s();
            if (h2Total(sent) > 0) model.h2Frames('c2s', h2Total(sent), sent);
          }
        } else if (opcode <= 2) model.dataFrame(len);
        if (opcode === 1 || opcode === 2) {
          // Uncompressed delivery is synchronous, so the payload is read in place; inflating is not, so it copies.
          if (fin) message(rsv1 ? Buffer.from(payload) : payload, rsv1);
          else {
            fragments = [Buffer.from(payload)];
            fragmentsCompressed = rsv1;
          }
        } else if (opcode === 0) {
          fragments?.push(Buffer.from(payload));
          if (fin && fragments) {
            message(Buffer.concat(fragments), fragmentsCompressed);
            fragments = null;
          }
        } else if (opcode === 9) writeWs(maskedFrame(0xa, Buffer.from(payload)));
        else if (opcode === 8) {
          if (conn) {
            writeWs(maskedFrame(0x8, Buffer.alloc(0)));
            s.end();
          } else s.end(maskedFrame(0x8, Buffer.alloc(0)));
          return;
        }
      }
      pending = i < buf.length ? Buffer.from(buf.subarray(i)) : null;
    };

    const onData = (chunk: Buffer): void => {
      let buf: Buffer = pending ? Buffer.concat([pending, chunk]) : chunk;
      pending = null;
      if (!open) {
        const head = parseHead(buf);
        if (!head) {
          pending = Buffer.from(buf);
          return;
        }
        // The request counts once the server has answered it: the cluster primary may accept and close a connection
        // unread (libuv's EMFILE reserve), and the retry must not count the same request twice.
        model.requested(req.modelBytes);
        if (head.status !== 101) throw new Error(`HTTP_${head.status}`);
        if (head.headers['sec-websocket-accept'] !== wsAcceptKey(key)) throw new Error('WS_BAD_ACCEPT');
        const ext = head.headers['sec-websocket-extensions'];
        if (ext) {
          if (!deflate || !ext.startsWith('permessage-deflate')) throw new Error('WS_UNEXPECTED_EXTENSION');
          inflater = zlib.createInflateRaw({ windowBits: 15 });
        }
        const extraHeads: Array<[string, string]> = ext ? [['Sec-WebSocket-Extensions', ext]] : [];
        model.upgraded(key, [...extraHeads, ...profile.responses.websocket], ctx.headsAsReceived ? head.headBytes : undefined);
        open = true;
        life.markSetup();
        life.answered();
        if (!subscribedOnce) {
          subscribedOnce = true;
          ctx.onSubscribed();
        }
        buf = buf.subarray(head.headBytes);
      }
      frames(buf);
    };
    const s = life.open(
      (chunk) => (conn ? conn.push(chunk) : onData(chunk)),
      connect,
      () => {
        inflater?.close();
        if (!life.stopped) setTimeout(() => !life.stopped && connect(), life.retryMs());
      },
      () => (open ? null : s.bytesRead === 0 ? 'CLOSED_BEFORE_HANDSHAKE' : 'CLOSED_IN_HANDSHAKE'),
    );
    // Pings from the server keep a live connection from looking idle.
    life.idleTimeout(life.pushIdleMs);
    conn = null;
    if (h2) {
      const c = new H2ClientConnection((b) => s.write(b), true, () => (tally.model.h2WindowUpdates = (tally.model.h2WindowUpdates ?? 0) + 1));
      conn = c;
      c.start();
      streamId = c.request(extendedConnect(h2Request(ctx, 'websocket', target, [], { key })), {
        onHead: (status) => {
          if (c.serverSettings.get(SETTINGS_ENABLE_CONNECT_PROTOCOL) !== 1) throw new Error('H2_NO_EXTENDED_CONNECT');
          if (status !== 200) throw new Error(`HTTP_${status}`);
          const c2s = c.takeC2s();
          const s2c = c.takeS2c();
          model.h2Setup(h2Total(c2s), h2Total(s2c), c2s, s2c);
          open = true;
          life.markSetup();
          life.answered();
          if (!subscribedOnce) {
            subscribedOnce = true;
            ctx.onSubscribed();
          }
        },
        onBody: (b, start, end) => {
          const chunk = b.subarray(start, end);
          frames(pending ? Buffer.concat([pending, chunk]) : chunk);
        },
        onEnd: () => s.end(),
        onReset: (code) => {
          throw new Error(`H2_RST_STREAM_${code}`);
        },
      }, false);
      return;
    }
    s.write(req.text);
  };

  return life.pushClient(connect, () => (h2 ? life.socket?.destroy() : closeWebSocket(life.socket)));
}

export const createClient = createWebSocketClient;
