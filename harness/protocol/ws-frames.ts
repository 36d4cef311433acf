/**
 * RFC 6455 framing every WebSocket client here shares: masked client frames written, and a clean close. The dialect
 * clients (nchan, Socket.IO) also read server frames with `WsFrameReader`; the embedded WebSocket client reads its
 * own in place (it also inflates permessage-deflate).
 */
import { randomBytes } from 'node:crypto';
import type net from 'node:net';

/** A client frame (RFC 6455 §5.2-5.3): FIN, opcode, the mask bit, the length, a 4-byte key, the masked payload. */
export function maskedFrame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const lenBytes = len <= 125 ? 0 : len <= 0xffff ? 2 : 8;
  const at = 2 + lenBytes;
  const frame = Buffer.alloc(at + 4 + len);
  frame[0] = 0x80 | opcode;
  if (lenBytes === 0) frame[1] = 0x80 | len;
  else if (lenBytes === 2) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(len, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeBigUInt64BE(BigInt(len), 2);
  }
  const mask = randomBytes(4);
  mask.copy(frame, at);
  for (let i = 0; i < len; i++) frame[at + 4 + i] = payload[i]! ^ mask[i & 3]!;
  return frame;
}

/** Splits a server's byte stream into frames: `onFrame(opcode, fin, payload, frameBytes)`; the payload is a view. */
export class WsFrameReader {
  private pending: Buffer | null = null;

  constructor(private readonly onFrame: (opcode: number, fin: boolean, payload: Buffer, frameBytes: number) => void) {}

  push(chunk: Buffer): void {
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = null;
    let i = 0;
    while (buf.length - i >= 2) {
      const b0 = buf[i]!;
      const b1 = buf[i + 1]!;
      if (b1 & 0x80) throw new Error('WS_MASKED_SERVER_FRAME');
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
      if (buf.length - at < len) break;
      const frameBytes = at + len - i;
      i = at + len;
      this.onFrame(b0 & 0x0f, (b0 & 0x80) !== 0, buf.subarray(at, at + len), frameBytes);
    }
    if (i < buf.length) this.pending = Buffer.from(buf.subarray(i));
  }
}

/** Teardown: a clean close handshake (1000, normal closure), then the socket goes whatever the server does. */
export function closeWebSocket(s: net.Socket | null | undefined): void {
  if (!s || s.destroyed) return;
  s.end(maskedFrame(0x8, Buffer.from([0x03, 0xe8])));
  setTimeout(() => s.destroy(), 500).unref();
}
