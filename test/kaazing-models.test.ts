import { test } from 'node:test';
import assert from 'node:assert/strict';
import { framingModel, profileHeads } from '../harness/studies/kaazing/models.js';
import { loadProfile } from '../harness/protocol/profiles.js';

test('profileHeads counts the article\'s exchange: 692 + 179 visible, 716 + 193 on the wire, ?since=10 adds 9', () => {
  const h = profileHeads(loadProfile('kaazing-2009'), 21, 10);
  assert.deepEqual(
    [h.requestLines, h.requestVisibleChars, h.requestWireBytes, h.responseLines, h.responseVisibleChars, h.responseWireBytes, h.sinceBytes, h.sinceExample],
    [11, 692, 716, 6, 179, 193, 9, '?since=10'],
  );
  const close = profileHeads(loadProfile('kaazing-2009-close'), 21, 10);
  // "Connection: close" instead of "Keep-Alive: 300" + "Connection: keep-alive".
  assert.equal(close.requestWireBytes, 716 - 'Keep-Alive: 300\r\n'.length - 'keep-alive'.length + 'close'.length);
});

test('framingModel: RFC 6455 by direction and hixie-76 for a 21-byte message', () => {
  assert.deepEqual(framingModel(21), { payloadBytes: 21, wsServerToClientHeaderBytes: 2, wsClientToServerHeaderBytes: 6, hixie76FrameOverheadBytes: 2, tcpIpHeaderBytesPerSegment: 52 });
  assert.equal(framingModel(200).wsClientToServerHeaderBytes, 8);
});
