import { test } from 'node:test';
import assert from 'node:assert/strict';
import { framingModel } from '../harness/studies/kaazing/models.js';
import { measureWsFrames, tcpPerMessage } from '../harness/studies/kaazing/probes.js';
import type { TcpSocketStats } from '../harness/measure/tcp-stats.js';

test('tcpPerMessage divides the counter differences of sockets present at both ends by their messages', () => {
  const sock = (peerPort: number, o: Partial<TcpSocketStats>): TcpSocketStats => ({
    state: null, localAddress: '127.0.0.1', localPort: 8080, peerAddress: '127.0.0.1', peerPort,
    segsOut: 0, segsIn: 0, dataSegsOut: 0, dataSegsIn: 0, bytesSent: 0, bytesAcked: 0, bytesReceived: 0, bytesRetrans: 0, ...o,
  });
  const before = [sock(1, { segsOut: 5, segsIn: 5 }), sock(2, { segsOut: 5, segsIn: 5 }), sock(3, { segsOut: 900, segsIn: 900 })];
  // Socket 3 closed before the second reading and socket 4 is new: neither may count.
  const after = [
    sock(1, { segsOut: 15, segsIn: 10, dataSegsOut: 10, bytesSent: 230 }),
    sock(2, { segsOut: 15, segsIn: 10, dataSegsOut: 10, bytesSent: 230 }),
    sock(4, { segsOut: 1000, segsIn: 1000 }),
  ];
  assert.deepEqual(tcpPerMessage(before, after, 10), {
    messages: 20, sockets: 2, segmentsPerMessage: 1.5, ackOnlySegmentsPerMessage: 0.5, tcpIpHeaderBytesPerMessage: 78, tcpPayloadBytesPerMessage: 23,
  });
  assert.equal(tcpPerMessage(before, [], 10), null);
});

test('measureWsFrames counts RFC 6455 frames at the socket exactly as the model says, by direction', async () => {
  for (const payloadBytes of [21, 126, 70000]) {
    const m = await measureWsFrames(payloadBytes);
    const model = framingModel(payloadBytes);
    assert.deepEqual(m, { payloadBytes, c2sFrameBytes: payloadBytes + model.wsClientToServerHeaderBytes, s2cFrameBytes: payloadBytes + model.wsServerToClientHeaderBytes });
  }
});
