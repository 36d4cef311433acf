/**
 * Byte models of the HTTP/1.1 framing every HTTP-based transport shares (RFC 9112: heads, chunked coding), straight
 * from the specification. Pure functions: the measured byte counts of a run are checked against these, to the byte.
 * What is particular to one transport family (SSE fields, WebSocket frames and handshake, poll exchanges) is in its
 * folder's model.ts.
 */

/** A header line as it goes on the wire: name and value, in order, case preserved. */
export type HeaderList = ReadonlyArray<readonly [string, string]>;

const CRLF_BYTES = 2;

/** Decimal digits of a non-negative integer. */
export function decimalDigits(n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`decimalDigits needs a non-negative integer, got ${n}`);
  return String(n).length;
}

/** Hexadecimal digits of a non-negative integer, as a chunk-size line writes it (no leading zeros). */
export function hexDigits(n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`hexDigits needs a non-negative integer, got ${n}`);
  return n.toString(16).length;
}

/** An HTTP/1.1 head: start line CRLF, each `Name: value` CRLF, then the empty line (RFC 9112 §2.1). */
export function httpHeadBytes(startLine: string, headers: HeaderList): number {
  let bytes = Buffer.byteLength(startLine, 'latin1') + CRLF_BYTES;
  for (const [name, value] of headers) bytes += Buffer.byteLength(name, 'latin1') + 2 + Buffer.byteLength(value, 'latin1') + CRLF_BYTES;
  return bytes + CRLF_BYTES;
}

/** The same head as a string, for writing it. */
export function httpHeadString(startLine: string, headers: HeaderList): string {
  let head = startLine + '\r\n';
  for (const [name, value] of headers) head += `${name}: ${value}\r\n`;
  return head + '\r\n';
}

/** Visible characters of a head as a capture tool shows it: no CRLFs, no blank line (how the 871 was counted). */
export function httpHeadVisibleChars(startLine: string, headers: HeaderList): number {
  let chars = startLine.length;
  for (const [name, value] of headers) chars += name.length + 2 + value.length;
  return chars;
}

/** One chunk of a chunked body: hex size, CRLF, data, CRLF (RFC 9112 §7.1). */
export function chunkBytes(dataBytes: number): number {
  return hexDigits(dataBytes) + CRLF_BYTES + dataBytes + CRLF_BYTES;
}

/** The last chunk `0` CRLF plus the empty trailer section CRLF. */
export const LAST_CHUNK_BYTES = 5;

// The formulas of each transport family live beside its server and client (harness/transports/<family>/model.ts);
// re-exported here for the code that models several transports at once (Kaazing study, micro-benchmarks).
export { sseEventBytes } from '../transports/streams/model.js';
export {
  WS_101_STATUS_LINE,
  hixie76FrameBytes,
  wsAcceptKey,
  wsFrameHeaderBytes,
  wsHandshakeResponseHeaders,
} from '../transports/websocket/model.js';

/** TCP/IP on Linux loopback: IPv4 20 B + TCP 20 B + timestamp option 12 B, on every segment, ACKs included. */
export const TCP_IP_HEADER_BYTES_PER_SEGMENT = 52;
