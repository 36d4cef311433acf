/**
 * Wire model of SSE and HTTP streaming (RFC 9112 chunked coding, WHATWG HTML §9.2 server-sent events): set-up is the
 * request head and the response head; every message after it is one chunk. Nothing crosses the wire between set-up
 * and the first message or after the last, so all the rest is inside the measurement window.
 */
import { chunkBytes, decimalDigits } from '../../protocol/framing.js';
import { addWrite, type ModelBytes } from '../client.js';

/** A server-sent event with an id and one data line: `id: N\n` `data: X\n` `\n` (WHATWG HTML §9.2.6). */
export function sseEventBytes(id: number, dataBytes: number): number {
  return 'id: '.length + decimalDigits(id) + 1 + 'data: '.length + dataBytes + 1 + 1;
}

/** One message on the wire: a chunk carrying the SSE event, or the body and its newline. */
export function streamMessageBytes(sse: boolean, seq: number, payloadBytes: number): number {
  return chunkBytes(sse ? sseEventBytes(seq, payloadBytes) : payloadBytes + 1);
}

/** What one stream client's events add to its worker's modelled bytes. */
export class StreamModel {
  constructor(
    private readonly m: ModelBytes,
    private readonly sse: boolean,
  ) {}

  /** A (re)connection was answered: its request head and, when it is a 200, the response head. */
  subscribed(requestBytes: number, responseHeadBytes: number): void {
    addWrite(this.m, 'setupC2s', requestBytes);
    addWrite(this.m, 'setupS2c', responseHeadBytes);
  }

  message(seq: number, payloadBytes: number): void {
    addWrite(this.m, 's2c', streamMessageBytes(this.sse, seq, payloadBytes));
  }
}
