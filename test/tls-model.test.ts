/**
 * The TLS 1.3 record model (RFC 8446 §5) against a fixed exchange: a real TLS connection through a relay that reads
 * every record header both ways. After the handshake, each write of n bytes must be ceil(n / 16384) records of type
 * application_data, and n + 22 bytes per record on the wire; the sockets' own counters must agree with the relay.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import tls from 'node:tls';
import { test } from 'node:test';
import {
  TLS13_RECORD_OVERHEAD_BYTES,
  TLS_SERVER_NAME,
  TlsRecordReader,
  generateCertificate,
  tlsCiphertextBytes,
  tlsRecords,
} from '../harness/protocol/tls.js';

test('the record model: 5 + 1 + 16 bytes per record, 16,384 plaintext bytes per record at most', () => {
  assert.equal(TLS13_RECORD_OVERHEAD_BYTES, 22);
  assert.equal(tlsRecords(0), 1);
  assert.equal(tlsRecords(1), 1);
  assert.equal(tlsRecords(16_384), 1);
  assert.equal(tlsRecords(16_385), 2);
  assert.equal(tlsCiphertextBytes(21), 43);
  assert.equal(tlsCiphertextBytes(40_000), 40_000 + 3 * 22);
});

test('the record reader splits a stream cut anywhere into the same headers', () => {
  const rec = (type: number, len: number): Buffer => Buffer.concat([Buffer.from([type, 0x03, 0x03, len >> 8, len & 0xff]), Buffer.alloc(len, 7)]);
  const stream = Buffer.concat([rec(22, 90), rec(20, 1), rec(23, 300), rec(23, 17)]);
  for (const cut of [1, 3, 5, 6, 95, 101, 200, stream.length - 1]) {
    const r = new TlsRecordReader();
    r.push(stream.subarray(0, cut));
    r.push(stream.subarray(cut));
    assert.deepEqual(r.records.map((x) => [x.type, x.version, x.length]), [[22, 0x0303, 90], [20, 0x0303, 1], [23, 0x0303, 300], [23, 0x0303, 17]]);
    assert.equal(r.bytes, stream.length);
  }
});

test('a fixed exchange over real TLS 1.3: records and ciphertext bytes equal the model, write by write', async () => {
  const { cert, key } = generateCertificate();
  const writes = [1, 21, 500, 16_384, 16_385, 40_000];
  const got: number[] = [];
  const open = new Set<net.Socket>();
  const server = tls.createServer({ cert, key }, (s) => {
    open.add(s);
    s.resume();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const c2s = new TlsRecordReader();
  const s2c = new TlsRecordReader();
  // The relay: every byte each way passes through a record reader.
  const relay = net.createServer((inbound) => {
    const outbound = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    open.add(inbound).add(outbound);
    inbound.on('data', (d: Buffer) => (c2s.push(d), outbound.write(d)));
    outbound.on('data', (d: Buffer) => (s2c.push(d), inbound.write(d)));
    inbound.on('end', () => outbound.end());
    outbound.on('end', () => inbound.end());
  });
  await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
  const raw = net.connect((relay.address() as net.AddressInfo).port, '127.0.0.1');
  const client = tls.connect({ socket: raw, servername: TLS_SERVER_NAME, ca: cert, minVersion: 'TLSv1.3' });
  await new Promise<void>((r) => client.once('secureConnect', r));
  assert.equal(client.getProtocol(), 'TLSv1.3');
  // Let the client's Finished go out, then count from here.
  await new Promise((r) => setTimeout(r, 100));
  const handshakeRecords = c2s.records.length;
  const handshakeBytes = c2s.bytes;
  assert.equal(raw.bytesWritten, handshakeBytes, 'the client socket counts what crossed the relay');
  for (const n of writes) {
    const before = c2s.records.length;
    const beforeBytes = c2s.bytes;
    client.write(Buffer.alloc(n, 0x61));
    await new Promise((r) => setTimeout(r, 50));
    const records = c2s.records.slice(before);
    got.push(records.length);
    assert.ok(records.every((x) => x.type === 23 && x.version === 0x0303), 'application_data records with the TLS 1.2 legacy version');
    assert.equal(c2s.bytes - beforeBytes, tlsCiphertextBytes(n), `${n} bytes written`);
  }
  assert.deepEqual(got, writes.map(tlsRecords));
  // Two writes corked together are one write on the wire: one record.
  const before = c2s.bytes;
  client.cork();
  client.write(Buffer.alloc(10));
  client.write(Buffer.alloc(11));
  client.uncork();
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(c2s.bytes - before, tlsCiphertextBytes(21));
  assert.equal(raw.bytesWritten, c2s.bytes);
  assert.ok(handshakeRecords >= 2, 'ClientHello and Finished at least');
  client.destroy();
  for (const s of open) s.destroy();
  relay.close();
  server.close();
});
