/**
 * RFC 6455 framing every WebSocket client here shares: server frames read (`WsFrameParser`, and `WsFrameReader` for
 * callers that want each payload as a Buffer of its own), masked client frames written, and a clean close.
 */
import { randomBytes } from 'node:crypto';
import type net from 'node:net';
import { MAX_PAYLOAD_BYTES } from './feed.js';

/**
 * Largest frame payload a client accepts: a frame that announces more is a protocol error (`WS_FRAME_TOO_LARGE`), not
 * an allocation the server decides. The feed's largest message with room for a dialect's envelope around it.
 */
export const MAX_FRAME_PAYLOAD_BYTES = 2 * MAX_PAYLOAD_BYTES;

/** Control frames (close, ping, pong) carry at most 125 bytes and are never fragmented (RFC 6455 §5.5). */
const MAX_CONTROL_PAYLOAD_BYTES = 125;

/**
 * Where a `WsFrameParser` hands each whole frame: the payload is `buf[start, end)`, valid only during the call (the
 * read buffer is reused). `frameBytes` is the frame's size on the wire, header included. Returning `false` stops the
 * parser: the rest of the read is dropped (after a close frame, nothing that follows counts).
 */
export interface WsFrameSink {
  frame(opcode: number, fin: boolean, rsv1: boolean, buf: Buffer, start: number, end: number, frameBytes: number): boolean | void;
}

/**
 * Splits a server's byte stream into frames without copying: a frame whole in one read is handed on in place, and
 * only a frame cut by a read boundary is copied (its bytes so far, then the whole frame once it is complete).
 * Throws an Error whose message is the error code on what RFC 6455 §5 forbids a server to send: a masked frame
 * (`WS_MASKED_SERVER_FRAME`), a reserved opcode (`WS_BAD_OPCODE`), a control frame over 125 bytes or fragmented
 * (`WS_BAD_CONTROL_FRAME`), a length with its most significant bit set (`WS_BAD_LENGTH`), and a payload over
 * `maxPayloadBytes` (`WS_FRAME_TOO_LARGE`).
 */
export class WsFrameParser {
  private pending: Buffer | null = null;

  constructor(
    private readonly sink: WsFrameSink,
    private readonly maxPayloadBytes = MAX_FRAME_PAYLOAD_BYTES,
  ) {}

  /** Feeds the bytes `buf[start, end)`. */
  push(input: Buffer, start = 0, end = input.length): void {
    let buf = input;
    let i = start;
    let stop = end;
    if (this.pending) {
      buf = Buffer.concat([this.pending, input.subarray(start, end)]);
      this.pending = null;
      i = 0;
      stop = buf.length;
    }
    while (stop - i >= 2) {
      const b0 = buf[i]!;
      const b1 = buf[i + 1]!;
      if (b1 & 0x80) throw new Error('WS_MASKED_SERVER_FRAME');
      const opcode = b0 & 0x0f;
      if ((opcode > 2 && opcode < 8) || opcode > 10) throw new Error('WS_BAD_OPCODE');
      let len = b1 & 0x7f;
      let at = i + 2;
      if (len === 126) {
        if (stop - i < 4) break;
        len = (buf[i + 2]! << 8) | buf[i + 3]!;
        at = i + 4;
      } else if (len === 127) {
        if (stop - i < 10) break;
        // RFC 6455 §5.2: the most significant bit must be 0; anything past 2^32 is over any limit here anyway.
        if (buf[i + 2]! & 0x80) throw new Error('WS_BAD_LENGTH');
        const high = buf.readUInt32BE(i + 2);
        len = high > 0 ? Number.MAX_SAFE_INTEGER : buf.readUInt32BE(i + 6);
        at = i + 10;
      }
      if (opcode >= 8 && (len > MAX_CONTROL_PAYLOAD_BYTES || (b0 & 0x80) === 0)) throw new Error('WS_BAD_CONTROL_FRAME');
      if (len > this.maxPayloadBytes) throw new Error('WS_FRAME_TOO_LARGE');
      if (stop - at < len) break;
      const next = at + len;
      if (this.sink.frame(opcode, (b0 & 0x80) !== 0, (b0 & 0x40) !== 0, buf, at, next, next - i) === false) return;
      i = next;
    }
    // The frame cut by this read's end: kept past the read (the read buffer is reused), completed by the next one.
    if (i < stop) this.pending = Buffer.from(buf.subarray(i, stop));
  }

  /** A new connection: nothing carried over. */
  reset(): void {
    this.pending = null;
  }
}

/** Splits a server's byte stream into frames: `onFrame(opcode, fin, payload, frameBytes)`; the payload is a view. */
export class WsFrameReader {
  private readonly parser: WsFrameParser;

  constructor(onFrame: (opcode: number, fin: boolean, payload: Buffer, frameBytes: number) => void) {
    this.parser = new WsFrameParser({
      frame: (opcode, fin, _rsv1, buf, start, end, frameBytes) => onFrame(opcode, fin, buf.subarray(start, end), frameBytes),
    });
  }

  push(chunk: Buffer): void {
    this.parser.push(chunk);
  }
}

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

/** Teardown: a clean close handshake (1000, normal closure), then the socket goes whatever the server does. */
export function closeWebSocket(s: net.Socket | null | undefined): void {
  if (!s || s.destroyed) return;
  s.end(maskedFrame(0x8, Buffer.from([0x03, 0xe8])));
  setTimeout(() => s.destroy(), 500).unref();
}
