import { test } from 'node:test';
import assert from 'node:assert/strict';
import { httpHeadBytes, httpHeadVisibleChars } from '../harness/protocol/framing.js';
import { fillHeaders, httpDate, loadProfile } from '../harness/protocol/profiles.js';

const profile = loadProfile('kaazing-2009');
const requestLine = `GET ${profile.paths.poll} HTTP/1.1`;
// The article's response: Content-Length 21 and a 29-character date.
const response = fillHeaders(profile.responses.poll, { length: 21, date: httpDate(new Date(Date.UTC(2009, 10, 7, 0, 32, 46))) });
const STATUS_LINE = 'HTTP/1.1 200 OK';

test('the article\'s request head: 11 lines, 692 visible characters, literal Host', () => {
  const request = fillHeaders(profile.requests.poll, {});
  assert.equal(request.length + 1, 11);
  assert.equal(httpHeadVisibleChars(requestLine, request), 692);
  assert.deepEqual(request[0], ['Host', 'localhost:8080']);
  assert.equal(profile.paths.poll, '/PollingStock//PollingStock');
});

test('the article\'s response head: 6 lines, 179 visible characters, with the article\'s date', () => {
  assert.equal(response.length + 1, 6);
  assert.deepEqual(response.at(-1), ['Date', 'Sat, 07 Nov 2009 00:32:46 GMT']);
  assert.equal(httpHeadVisibleChars(STATUS_LINE, response), 179);
  assert.equal(STATUS_LINE.length, 'HTTP/1.x 200 OK'.length);
});

test('692 + 179 = 871 visible characters are 716 + 193 = 909 bytes on the wire', () => {
  const requestBytes = httpHeadBytes(requestLine, fillHeaders(profile.requests.poll, {}));
  const responseBytes = httpHeadBytes(STATUS_LINE, response);
  // Every line ends in CRLF and each head in an empty line: 11 + 1 and 6 + 1 CRLFs of 2 bytes.
  assert.equal(requestBytes, 692 + 2 * 12);
  assert.equal(responseBytes, 179 + 2 * 7);
  assert.equal(requestBytes, 716);
  assert.equal(responseBytes, 193);
  assert.equal(requestBytes + responseBytes, 909);
});

test('a poll with a cursor adds ?since=N to the article\'s request line', () => {
  const since = 12345;
  const withCursor = httpHeadBytes(`GET ${profile.paths.poll}?since=${since} HTTP/1.1`, fillHeaders(profile.requests.poll, {}));
  assert.equal(withCursor - 716, '?since='.length + String(since).length);
});

test('every other kind carries the same browser identity; the websocket head has what RFC 6455 needs', () => {
  for (const kind of ['sse', 'stream', 'websocket'] as const) {
    const ua = profile.requests[kind].find(([n]) => n === 'User-Agent');
    assert.deepEqual(ua, profile.requests.poll[1]);
  }
  const ws = fillHeaders(profile.requests.websocket, { key: 'dGhlIHNhbXBsZSBub25jZQ==' });
  assert.ok(ws.some(([n, v]) => n === 'Sec-WebSocket-Key' && v === 'dGhlIHNhbXBsZSBub25jZQ=='));
  assert.ok(ws.some(([n, v]) => n === 'Sec-WebSocket-Version' && v === '13'));
  assert.match(profile.description, /Host is the literal localhost:8080/);
  assert.match(profile.description, /could not speak RFC 6455/);
});
