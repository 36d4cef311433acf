/**
 * The wire model of nchan's subscriber framings (nchan 1.3, as its documentation and its answers describe them).
 * Pure functions; nginx's response heads are not modelled (their Date, Etag and Last-Modified vary): a client
 * counts each head as it arrives, and everything after a head is modelled here.
 */
import { wsFrameHeaderBytes } from '../../protocol/framing.js';

/**
 * Long-poll answer with `nchan_longpoll_multipart_response raw`: one message alone is the body as published; several
 * are each followed by a newline (as nchan 1.3.6 answers: `a` for one, `a\nb\nc\n` for three). An interval poll
 * answers one message per request.
 */
export function rawPollBodyBytes(messages: number, payloadBytes: number): number {
  return messages <= 1 ? messages * payloadBytes : messages * (payloadBytes + 1);
}

/** EventSource event as nchan writes it: `id: <time>:<tag>` LF, `data: BODY` LF, LF (WHATWG HTML §9.2). */
export function sseEventBytes(id: string, dataBytes: number): number {
  return 'id: '.length + Buffer.byteLength(id, 'latin1') + 1 + 'data: '.length + dataBytes + 1 + 1;
}

/** An SSE comment line and its LF (nchan opens every stream with `: hi` and a blank line). */
export function sseCommentBytes(text: string): number {
  return Buffer.byteLength(text, 'latin1') + 1;
}

/** http-raw-stream: each message, then the separator (a newline by default), in a body that ends with the connection. */
export function rawStreamMessageBytes(payloadBytes: number): number {
  return payloadBytes + 1;
}

/** WebSocket: one unmasked text frame per message (RFC 6455 §5.2). */
export function wsMessageBytes(payloadBytes: number): number {
  return wsFrameHeaderBytes(payloadBytes, false) + payloadBytes;
}

/**
 * nchan's message id as a poll cursor: `Last-Modified` carries its time, `Etag` its tag (the order within that second);
 * a client resumes by sending them back as `If-Modified-Since` and `If-None-Match`. Null when the answer has none.
 */
export function pollCursor(headers: Record<string, string>): { lastModified: string; etag: string } | null {
  const lastModified = headers['last-modified'];
  const etag = headers['etag'];
  return lastModified !== undefined && etag !== undefined ? { lastModified, etag } : null;
}
