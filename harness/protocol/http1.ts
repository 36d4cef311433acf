/**
 * A minimal HTTP/1.1 response parser for raw sockets: status line, headers, then a body by Content-Length or
 * chunked coding, delivered de-chunked as it arrives. The simulated clients write their request heads themselves,
 * byte for byte from the header profile, which Node's http client does not allow.
 */

export interface ResponseHead {
  status: number;
  /** Lower-cased names. */
  headers: Record<string, string>;
  headBytes: number;
}

export interface ResponseSink {
  onHead(head: ResponseHead): void;
  onBody(buf: Buffer, start: number, end: number): void;
  onEnd(): void;
}

const CRLFCRLF = Buffer.from('\r\n\r\n');

/** Parses a head at the start of `buf`; null when the blank line has not arrived yet. Throws on garbage. */
export function parseHead(buf: Buffer): ResponseHead | null {
  const end = buf.indexOf(CRLFCRLF);
  if (end < 0) {
    if (buf.length > 65_536) throw new Error('HTTP_HEAD_TOO_LARGE');
    return null;
  }
  const lines = buf.toString('latin1', 0, end).split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]!);
  if (!m) throw new Error('HTTP_BAD_STATUS_LINE');
  const headers: Record<string, string> = {};
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error('HTTP_BAD_HEADER');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(m[1]), headers, headBytes: end + 4 };
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/**
 * The size on a chunk-size line, bytes [start, end) without its LF (RFC 9112 §7.1: hex digits, optional
 * whitespace and `;extensions`, CR); -1 when the line is not one. Read from the bytes, without a string.
 */
export function parseChunkSize(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end && (buf[i] === 0x20 || buf[i] === 0x09)) i++;
  let size = 0;
  let digits = 0;
  for (; i < end; i++) {
    const d = hexValue(buf[i]!);
    if (d < 0) break;
    size = size * 16 + d;
    digits++;
  }
  if (digits === 0 || digits > 13) return -1;
  while (i < end && (buf[i] === 0x20 || buf[i] === 0x09)) i++;
  if (i < end && buf[i] === 0x3b /* ; */) return size;
  if (i < end && buf[i] === 0x0d) i++;
  return i === end ? size : -1;
}

/** A chunk-size line longer than this is not one (RFC 9112 §7.1 sets no limit; no server here writes extensions). */
const MAX_CHUNK_LINE_BYTES = 4096;

const enum State {
  Head,
  Length,
  ChunkSize,
  ChunkData,
  ChunkDataEnd,
  Trailer,
}

export class ResponseParser {
  private state = State.Head;
  private pending: Buffer | null = null;
  private remaining = 0;
  /** A chunk-size line that has not ended yet in the bytes read so far. */
  private line: Buffer | null = null;

  constructor(private readonly sink: ResponseSink) {}

  /** Hands the sink the body bytes of `buf[i, end)` that are still due (a Content-Length body or one chunk). */
  private body(buf: Buffer, i: number, end: number): number {
    const n = Math.min(this.remaining, end - i);
    this.sink.onBody(buf, i, i + n);
    this.remaining -= n;
    return i + n;
  }

  /**
   * Feeds the bytes `input[start, end)`; throws an Error whose message is an error code on a malformed response.
   * Body bytes are handed on in place (views of `input`, valid during the call); only a head or a chunk-size line
   * cut by the end of the input is copied.
   */
  execute(input: Buffer, start = 0, end = input.length): void {
    let buf = input;
    let i = start;
    let stop = end;
    while (i < stop) {
      switch (this.state) {
        case State.Head: {
          const data: Buffer = this.pending ? Buffer.concat([this.pending, buf.subarray(i, stop)]) : buf.subarray(i, stop);
          const head = parseHead(data);
          if (!head) {
            this.pending = Buffer.from(data);
            return;
          }
          this.pending = null;
          buf = data;
          i = head.headBytes;
          stop = data.length;
          this.sink.onHead(head);
          if (head.headers['transfer-encoding']?.toLowerCase() === 'chunked') {
            this.state = State.ChunkSize;
            this.line = null;
          } else {
            this.remaining = Number(head.headers['content-length'] ?? 0);
            if (!Number.isInteger(this.remaining) || this.remaining < 0) throw new Error('HTTP_BAD_LENGTH');
            if (this.remaining === 0) this.sink.onEnd();
            else this.state = State.Length;
          }
          break;
        }
        case State.Length: {
          i = this.body(buf, i, stop);
          if (this.remaining === 0) {
            this.state = State.Head;
            this.sink.onEnd();
          }
          break;
        }
        case State.ChunkSize: {
          const nl = indexOfByte(buf, 10, i, stop);
          if (nl < 0) {
            this.line = this.line ? Buffer.concat([this.line, buf.subarray(i, stop)]) : Buffer.from(buf.subarray(i, stop));
            if (this.line.length > MAX_CHUNK_LINE_BYTES) throw new Error('HTTP_BAD_CHUNK');
            return;
          }
          let size: number;
          if (this.line) {
            const line = Buffer.concat([this.line, buf.subarray(i, nl)]);
            this.line = null;
            size = parseChunkSize(line, 0, line.length);
          } else size = parseChunkSize(buf, i, nl);
          i = nl + 1;
          if (size < 0) throw new Error('HTTP_BAD_CHUNK');
          if (size === 0) this.state = State.Trailer;
          else {
            this.remaining = size;
            this.state = State.ChunkData;
          }
          break;
        }
        case State.ChunkData: {
          i = this.body(buf, i, stop);
          if (this.remaining === 0) {
            this.state = State.ChunkDataEnd;
            this.remaining = 2;
          }
          break;
        }
        case State.ChunkDataEnd: {
          const n = Math.min(this.remaining, stop - i);
          i += n;
          this.remaining -= n;
          if (this.remaining === 0) this.state = State.ChunkSize;
          break;
        }
        case State.Trailer: {
          // No trailers are ever sent here: the empty line that ends the message.
          const nl = indexOfByte(buf, 10, i, stop);
          if (nl < 0) return;
          i = nl + 1;
          this.state = State.Head;
          this.sink.onEnd();
          break;
        }
      }
    }
  }
}

/**
 * The index of the first `byte` in `buf[from, to)`, or -1. A loop here, not `Buffer#indexOf`: the lines and chunk-size
 * lines the clients scan are a few dozen bytes, shorter than the call into the runtime costs.
 */
export function indexOfByte(buf: Uint8Array, byte: number, from: number, to: number): number {
  for (let i = from; i < to; i++) if (buf[i] === byte) return i;
  return -1;
}

/** Splits a byte stream into lines ending in '\n' (the '\n' not included), across buffer boundaries. */
export class LineSplitter {
  private partial: Buffer | null = null;

  push(buf: Buffer, start: number, end: number, onLine: (buf: Buffer, start: number, end: number) => void): void {
    let i = start;
    while (i < end) {
      const nl = indexOfByte(buf, 10, i, end);
      if (nl < 0) {
        const rest = buf.subarray(i, end);
        this.partial = this.partial ? Buffer.concat([this.partial, rest]) : Buffer.from(rest);
        return;
      }
      if (this.partial) {
        const line = Buffer.concat([this.partial, buf.subarray(i, nl)]);
        this.partial = null;
        onLine(line, 0, line.length);
      } else onLine(buf, i, nl);
      i = nl + 1;
    }
  }

  reset(): void {
    this.partial = null;
  }
}
