import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { ackOnlySegments, diffBySocket, diffTcpTotals, parseSsTcpInfo, readTcpStats, sumTcpStats, tcpIpHeaderBytes } from '../harness/measure/tcp-stats.js';

// Captured on this machine: `ss -tinH state established` for a loopback echo of 5 bytes (no State column) ...
const CAPTURED_NO_STATE =
  '0      0      127.0.0.1:33819 127.0.0.1:50628\n' +
  '\t bbr wscale:10,10 rto:204 rtt:0.02/0.011 ato:40 mss:32768 pmtu:65535 rcvmss:536 advmss:65483 cwnd:11 bytes_sent:5 bytes_acked:5 bytes_received:5 segs_out:2 segs_in:4 data_segs_out:1 data_segs_in:1 bbr:(bw:43690656248bps,mrtt:0.006,pacing_gain:2.88672,cwnd_gain:2.88672) send 144179200000bps lastsnd:8 lastrcv:8 lastack:8 pacing_rate 325725462640bps delivery_rate 43690666664bps delivered:2 app_limited rcv_space:65483 rcv_ssthresh:65483 minrtt:0.006 snd_wnd:65536\n' +
  '0      0      127.0.0.1:50628 127.0.0.1:33819\n' +
  '\t bbr wscale:10,10 rto:204 rtt:0.035/0.019 ato:40 mss:32768 pmtu:65535 rcvmss:536 advmss:65483 cwnd:11 bytes_sent:5 bytes_acked:6 bytes_received:5 segs_out:4 segs_in:3 data_segs_out:1 data_segs_in:1 bbr:(bw:17476265624bps,mrtt:0.015,pacing_gain:2.88672,cwnd_gain:2.88672) send 82388114286bps lastsnd:8 lastrcv:8 lastack:8 pacing_rate 196987158232bps delivery_rate 17476266664bps delivered:2 app_limited rcv_space:65495 rcv_ssthresh:65495 minrtt:0.015 snd_wnd:65536\n';

// ... and the same layout as plain `ss -tin` prints it: header line, State column, a fresh socket with no bytes yet.
const CAPTURED_WITH_STATE =
  'State  Recv-Q Send-Q Local Address:Port  Peer Address:Port Process\n' +
  'ESTAB  0      0          127.0.0.1:8080     127.0.0.1:41234\n' +
  '\t cubic wscale:7,7 rto:204 rtt:0.012/0.006 mss:32768 cwnd:10 segs_out:1 segs_in:1 send 218453333333bps lastsnd:100 rcv_space:65483 minrtt:0.012\n' +
  'ESTAB  0      0              [::1]:8080         [::1]:41236\n' +
  '\t cubic bytes_sent:716 bytes_acked:717 bytes_received:193 bytes_retrans:3 segs_out:6 segs_in:5 data_segs_out:2 data_segs_in:2\n';

test('parses the address line and every counter of each socket', () => {
  const sockets = parseSsTcpInfo(CAPTURED_NO_STATE);
  assert.equal(sockets.length, 2);
  assert.deepEqual(sockets[0], {
    state: null, localAddress: '127.0.0.1', localPort: 33819, peerAddress: '127.0.0.1', peerPort: 50628,
    segsOut: 2, segsIn: 4, dataSegsOut: 1, dataSegsIn: 1, bytesSent: 5, bytesAcked: 5, bytesReceived: 5, bytesRetrans: 0,
  });
  assert.equal(sockets[1]!.bytesAcked, 6);
  assert.equal(sockets[1]!.localPort, 50628);
});

test('reads the State column, skips the header line, treats absent counters as 0 and unwraps IPv6', () => {
  const sockets = parseSsTcpInfo(CAPTURED_WITH_STATE);
  assert.equal(sockets.length, 2);
  assert.equal(sockets[0]!.state, 'ESTAB');
  assert.equal(sockets[0]!.bytesSent, 0);
  assert.equal(sockets[0]!.segsOut, 1);
  assert.equal(sockets[1]!.localAddress, '::1');
  assert.equal(sockets[1]!.bytesRetrans, 3);
});

test('sums, differences and TCP/IP header bytes', () => {
  const totals = sumTcpStats(parseSsTcpInfo(CAPTURED_NO_STATE + CAPTURED_WITH_STATE));
  assert.deepEqual(totals, {
    sockets: 4, segsOut: 13, segsIn: 13, dataSegsOut: 4, dataSegsIn: 4,
    bytesSent: 726, bytesAcked: 728, bytesReceived: 203, bytesRetrans: 3,
  });
  assert.equal(tcpIpHeaderBytes(totals), 26 * 52);
  assert.equal(ackOnlySegments(totals), 18);
  const d = diffTcpTotals(totals, sumTcpStats(parseSsTcpInfo(CAPTURED_NO_STATE)));
  assert.equal(d.segsOut, 7);
  assert.equal(d.bytesSent, 716);
});

test('garbage and empty text give no sockets', () => {
  assert.deepEqual(parseSsTcpInfo(''), []);
  assert.deepEqual(parseSsTcpInfo('not ss output\n\t bytes_sent:5\n'), []);
});

test('reads the real counters of a loopback connection made here', async () => {
  const requestBytes = 1234;
  const responseBytes = 4321;
  const server = net.createServer((s) => {
    let got = 0;
    s.on('data', (d: Buffer) => {
      got += d.length;
      if (got === requestBytes) s.write(Buffer.alloc(responseBytes, 0x61));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const client = net.connect({ host: '127.0.0.1', port });
  try {
    await new Promise<void>((resolve) => {
      let got = 0;
      client.on('data', (d: Buffer) => {
        got += d.length;
        if (got === responseBytes) resolve();
      });
      client.write(Buffer.alloc(requestBytes, 0x62));
    });
    const sockets = await readTcpStats([port]);
    // Only the server's end has local port `port`; the client's end has an ephemeral one.
    assert.equal(sockets.length, 1);
    const s = sockets[0]!;
    assert.equal(s.localPort, port);
    assert.equal(s.peerPort, client.localPort);
    assert.equal(s.bytesReceived, requestBytes);
    assert.equal(s.bytesSent, responseBytes);
    assert.ok(s.dataSegsOut >= 1 && s.segsOut >= s.dataSegsOut, `segs_out ${s.segsOut}, data_segs_out ${s.dataSegsOut}`);
    // The handshake's SYN and final ACK are counted too, so there are more segments in than data segments in.
    assert.ok(s.segsIn > s.dataSegsIn, `segs_in ${s.segsIn}, data_segs_in ${s.dataSegsIn}`);
  } finally {
    client.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('rejects a port number that is not one', async () => {
  await assert.rejects(readTcpStats([70000]), /not a TCP port/);
  assert.deepEqual(await readTcpStats([]), []);
});

test('diffBySocket matches sockets by four-tuple and ignores closed, new and reused ones', () => {
  const before = parseSsTcpInfo(CAPTURED_NO_STATE);
  const grown = before.map((s) => ({ ...s, segsOut: s.segsOut + 3, segsIn: s.segsIn + 2, bytesSent: s.bytesSent + 10 }));
  assert.deepEqual(diffBySocket(before, grown), {
    sockets: 2, segsOut: 6, segsIn: 4, dataSegsOut: 0, dataSegsIn: 0, bytesSent: 20, bytesAcked: 0, bytesReceived: 0, bytesRetrans: 0,
  });
  // One socket gone, one reused with fresh (smaller) counters: nothing is left to compare.
  const reused = [{ ...before[0]!, segsOut: 1, segsIn: 1 }];
  assert.equal(diffBySocket(before, reused).sockets, 0);
  assert.equal(diffBySocket(before, [grown[1]!]).segsOut, 3);
});
