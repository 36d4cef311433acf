import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  LAST_CHUNK_BYTES,
  chunkBytes,
  decimalDigits,
  hexDigits,
  hixie76FrameBytes,
  httpHeadBytes,
  httpHeadString,
  httpHeadVisibleChars,
  sseEventBytes,
  wsAcceptKey,
  wsFrameHeaderBytes,
} from '../harness/protocol/framing.js';

test('RFC 6455: server-to-client header is 2, 4 or 10 bytes by payload length', () => {
  assert.equal(wsFrameHeaderBytes(0, false), 2);
  assert.equal(wsFrameHeaderBytes(21, false), 2);
  assert.equal(wsFrameHeaderBytes(125, false), 2);
  assert.equal(wsFrameHeaderBytes(126, false), 4);
  assert.equal(wsFrameHeaderBytes(65_535, false), 4);
  assert.equal(wsFrameHeaderBytes(65_536, false), 10);
});

test('RFC 6455: client-to-server frames add the 4-byte masking key (6, 8, 14)', () => {
  assert.equal(wsFrameHeaderBytes(2, true), 6);
  assert.equal(wsFrameHeaderBytes(1000, true), 8);
  assert.equal(wsFrameHeaderBytes(100_000, true), 14);
});

test('RFC 6455 §1.3 example: Sec-WebSocket-Accept of the sample nonce', () => {
  assert.equal(wsAcceptKey('dGhlIHNhbXBsZSBub25jZQ=='), 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
});

test('hixie-76 text frame is payload + 2 (0x00 ... 0xFF)', () => {
  assert.equal(hixie76FrameBytes(21), 23);
});

test('SSE: data line is payload + 8, id line adds 5 + digits', () => {
  // "id: 7\n" (6) + "data: " (6) + 21 + "\n\n" (2)
  assert.equal(sseEventBytes(7, 21), 35);
  assert.equal(Buffer.byteLength(`id: 7\ndata: ${'x'.repeat(21)}\n\n`), 35);
  assert.equal(sseEventBytes(12345, 21), 21 + 8 + 5 + 5);
});

test('chunked coding: hex digits + CRLF + data + CRLF, last chunk 5 bytes', () => {
  assert.equal(chunkBytes(22), 2 + 2 + 22 + 2); // "16\r\n" + data + "\r\n"
  assert.equal(chunkBytes(15), 1 + 2 + 15 + 2); // "f\r\n"
  assert.equal(chunkBytes(4096), 4 + 2 + 4096 + 2); // "1000\r\n"
  assert.equal(LAST_CHUNK_BYTES, Buffer.byteLength('0\r\n\r\n'));
  assert.equal(hexDigits(255), 2);
  assert.equal(hexDigits(256), 3);
});

test('HTTP/1.1 head: every line ends in CRLF and the head in a blank line', () => {
  const headers = [['Host', '127.0.0.1:8080'], ['Accept', '*/*']] as const;
  const text = httpHeadString('GET /poll HTTP/1.1', headers);
  assert.equal(text, 'GET /poll HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAccept: */*\r\n\r\n');
  assert.equal(httpHeadBytes('GET /poll HTTP/1.1', headers), Buffer.byteLength(text));
  // Visible characters leave out 2 bytes per line and the blank line: 3 lines -> 8 bytes fewer.
  assert.equal(httpHeadVisibleChars('GET /poll HTTP/1.1', headers), Buffer.byteLength(text) - 8);
});

test('decimal digits of sequence numbers and lengths', () => {
  assert.deepEqual([0, 9, 10, 99, 100, 999_999, 1_000_000].map(decimalDigits), [1, 1, 2, 2, 3, 6, 7]);
  assert.throws(() => decimalDigits(-1));
});
