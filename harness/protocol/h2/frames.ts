/**
 * HTTP/2 frames on the wire (RFC 9113 §4.1, §6): a reader that splits one direction of a connection into frames and
 * adds their bytes up by what they carry — the 9-byte frame headers, HPACK header blocks (HEADERS, CONTINUATION),
 * DATA payload, and control frames (SETTINGS, WINDOW_UPDATE, PING and the rest) — and the connection preface.
 */
import type { H2FrameKindBytes } from '../../../results/types.js';

/** Every frame starts with this header: length (24 bits), type, flags, R + stream identifier (31 bits). */
export const H2_FRAME_HEADER_BYTES = 9;
/** The client connection preface `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n` (§3.4). */
export const H2_CLIENT_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

export const H2_FRAME_TYPES = {
  DATA: 0x0,
  HEADERS: 0x1,
  PRIORITY: 0x2,
  RST_STREAM: 0x3,
  SETTINGS: 0x4,
  PUSH_PROMISE: 0x5,
  PING: 0x6,
  GOAWAY: 0x7,
  WINDOW_UPDATE: 0x8,
  CONTINUATION: 0x9,
} as const;

const FLAG_PADDED = 0x8;
const FLAG_PRIORITY = 0x20;

export interface H2FrameHeader {
  length: number;
  type: number;
  flags: number;
  streamId: number;
}

/** The 9-byte header of a frame (§4.1). */
export function encodeFrameHeader(h: H2FrameHeader): Buffer {
  const b = Buffer.alloc(H2_FRAME_HEADER_BYTES);
  b.writeUIntBE(h.length, 0, 3);
  b[3] = h.type;
  b[4] = h.flags;
  b.writeUInt32BE(h.streamId & 0x7fffffff, 5);
  return b;
}

export function decodeFrameHeader(b: Buffer, at = 0): H2FrameHeader {
  return { length: b.readUIntBE(at, 3), type: b[at + 3]!, flags: b[at + 4]!, streamId: b.readUInt32BE(at + 5) & 0x7fffffff };
}

/** Bytes of one direction, by what they carry; they add up to every byte read (the results' type, one definition). */
export type H2Bytes = H2FrameKindBytes;

export const emptyH2Bytes = (): H2Bytes => ({ preface: 0, frameHeaders: 0, headerBlocks: 0, data: 0, control: 0, frames: 0 });

export const h2Total = (b: H2Bytes): number => b.preface + b.frameHeaders + b.headerBlocks + b.data + b.control;

/**
 * Reads one direction of an HTTP/2 connection. `client`: this direction starts with the connection preface.
 * `onFrame` sees each frame's header and payload as it completes.
 */
export class H2FrameReader {
  readonly bytes = emptyH2Bytes();
  private pending = Buffer.alloc(0);
  private prefaceLeft: number;

  constructor(client: boolean, private readonly onFrame?: (h: H2FrameHeader, payload: Buffer) => void) {
    this.prefaceLeft = client ? H2_CLIENT_PREFACE.length : 0;
  }

  push(chunk: Buffer): void {
    let buf = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    if (this.prefaceLeft > 0) {
      const n = Math.min(this.prefaceLeft, buf.length);
      this.bytes.preface += n;
      this.prefaceLeft -= n;
      buf = buf.subarray(n);
    }
    let i = 0;
    while (buf.length - i >= H2_FRAME_HEADER_BYTES) {
      const h = decodeFrameHeader(buf, i);
      if (buf.length - i < H2_FRAME_HEADER_BYTES + h.length) break;
      const payload = buf.subarray(i + H2_FRAME_HEADER_BYTES, i + H2_FRAME_HEADER_BYTES + h.length);
      this.count(h, payload);
      this.onFrame?.(h, payload);
      i += H2_FRAME_HEADER_BYTES + h.length;
    }
    this.pending = Buffer.from(buf.subarray(i));
  }

  private count(h: H2FrameHeader, payload: Buffer): void {
    const b = this.bytes;
    b.frames++;
    b.frameHeaders += H2_FRAME_HEADER_BYTES;
    if (h.type === H2_FRAME_TYPES.DATA || h.type === H2_FRAME_TYPES.HEADERS) {
      // Pad Length byte and padding, and HEADERS' 5 priority bytes, are framing, not content (§6.1, §6.2).
      const padded = (h.flags & FLAG_PADDED) !== 0;
      const padding = padded ? 1 + payload[0]! : 0;
      const priority = h.type === H2_FRAME_TYPES.HEADERS && (h.flags & FLAG_PRIORITY) !== 0 ? 5 : 0;
      const content = h.length - padding - priority;
      if (h.type === H2_FRAME_TYPES.DATA) b.data += content;
      else b.headerBlocks += content;
      b.control += padding + priority;
    } else if (h.type === H2_FRAME_TYPES.CONTINUATION) b.headerBlocks += h.length;
    else b.control += h.length;
  }
}
