/**
 * Byte models of every framing pushbench puts on the wire, straight from the specifications.
 * Pure functions: the measured byte counts of a run are checked against these, to the byte.
 *
 * RFC 9112 (HTTP/1.1 message syntax and chunked coding), WHATWG HTML §9.2 (server-sent events),
 * RFC 6455 (WebSocket framing and handshake), draft-hixie-thewebsocketprotocol-76 (the framing of 2009-2010).
 */
import { createHash } from 'node:crypto';

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

/** A server-sent event with an id and one data line: `id: N\n` `data: X\n` `\n` (WHATWG HTML §9.2.6). */
export function sseEventBytes(id: number, dataBytes: number): number {
  return 'id: '.length + decimalDigits(id) + 1 + 'data: '.length + dataBytes + 1 + 1;
}

/** RFC 6455 §5.2 header for one unfragmented frame; a client adds the 4-byte masking key (§5.3). */
export function wsFrameHeaderBytes(payloadBytes: number, masked: boolean): number {
  const base = payloadBytes <= 125 ? 2 : payloadBytes <= 0xffff ? 4 : 10;
  return base + (masked ? 4 : 0);
}

/** hixie-76 text frame: 0x00, UTF-8 data, 0xFF. */
export function hixie76FrameBytes(payloadBytes: number): number {
  return payloadBytes + 2;
}

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** Sec-WebSocket-Accept for a Sec-WebSocket-Key (RFC 6455 §4.2.2). */
export function wsAcceptKey(key: string): string {
  return createHash('sha1').update(key + WS_GUID).digest('base64');
}

/** The 101 response the `ws` server writes: status line, Upgrade, Connection, Accept, then any extra headers. */
export function wsHandshakeResponseHeaders(key: string, extra: HeaderList): HeaderList {
  return [['Upgrade', 'websocket'], ['Connection', 'Upgrade'], ['Sec-WebSocket-Accept', wsAcceptKey(key)], ...extra];
}

export const WS_101_STATUS_LINE = 'HTTP/1.1 101 Switching Protocols';

/** TCP/IP on Linux loopback: IPv4 20 B + TCP 20 B + timestamp option 12 B, on every segment, ACKs included. */
export const TCP_IP_HEADER_BYTES_PER_SEGMENT = 52;
