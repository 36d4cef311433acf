/**
 * Wire model of SSE and HTTP streaming (RFC 9112 chunked coding, WHATWG HTML §9.2 server-sent events): set-up is the
 * request head and the response head; every message after it is one chunk. Nothing crosses the wire between set-up
 * and the first message or after the last, so all the rest is inside the measurement window.
 */
import { chunkBytes, decimalDigits } from '../../protocol/framing.js';
import { addFrames, addWrite, type ModelBytes } from '../client.js';
import type { H2Bytes } from '../../protocol/h2/frames.js';

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

  /**
   * A (re)connection was answered: its request head and, when it is a 200, the response head. Over HTTP/2, the
   * frames of each way so far, by kind (the preface and SETTINGS included).
   */
  subscribed(requestBytes: number, responseHeadBytes: number, requestKinds?: H2Bytes, responseKinds?: H2Bytes): void {
    addWrite(this.m, 'setupC2s', requestBytes);
    addWrite(this.m, 'setupS2c', responseHeadBytes);
    addFrames(this.m, 'setupC2s', requestKinds, requestKinds ? 1 : 0);
    addFrames(this.m, 'setupS2c', responseKinds);
  }

  /** Over HTTP/2: the frames that carried a message (its DATA frame, one write), by kind. */
  frames(bytes: number, kinds: H2Bytes): void {
    addWrite(this.m, 's2c', bytes);
    addFrames(this.m, 's2c', kinds);
  }

  /** Over HTTP/2: frames the client sent inside the window (WINDOW_UPDATE), one write. */
  sent(bytes: number, kinds: H2Bytes): void {
    addWrite(this.m, 'c2s', bytes);
    addFrames(this.m, 'c2s', kinds);
  }

  message(seq: number, payloadBytes: number): void {
    addWrite(this.m, 's2c', streamMessageBytes(this.sse, seq, payloadBytes));
  }
}
