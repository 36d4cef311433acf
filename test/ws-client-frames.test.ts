/**
 * The embedded WebSocket client's frame reading (harness/protocol/ws-frames.ts), against RFC 6455's own examples
 * (§5.7) and against what a server must not send: a masked frame, a reserved opcode, a long or fragmented control
 * frame, an oversized length. A protocol error is counted by its code and ends that connection; it never throws out
 * of the client, and the client reconnects as after any lost connection.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { WsFrameParser, maskedFrame } from '../harness/protocol/ws-frames.js';
import { createWebSocketClient } from '../harness/transports/websocket/client.js';
import { Tally } from '../harness/transports/client.js';
import { encodeMessage, nowUs } from '../harness/protocol/feed.js';
import { wsAcceptKey } from '../harness/protocol/framing.js';
import { loadProfile } from '../harness/protocol/profiles.js';
import { DEFAULTS } from '../harness/run/scenario.js';

type Frame = [opcode: number, fin: boolean, payload: string];

/** Every frame a parser reads from `bytes` fed in pieces of `step` bytes; or the error code it throws. */
function parse(bytes: Buffer, step = bytes.length, maxPayloadBytes?: number): Frame[] | string {
  const frames: Frame[] = [];
  const parser = new WsFrameParser(
    { frame: (opcode, fin, _rsv1, buf, start, end) => void frames.push([opcode, fin, buf.toString('latin1', start, end)]) },
    maxPayloadBytes,
  );
  try {
    for (let i = 0; i < bytes.length; i += step) parser.push(bytes, i, Math.min(bytes.length, i + step));
  } catch (e) {
    return (e as Error).message;
  }
  return frames;
}

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

test('RFC 6455 §5.7 examples read as the RFC says, whole or a byte at a time', () => {
  for (const step of [1, 2, 3, 1000]) {
    // A single-frame unmasked text message.
    assert.deepEqual(parse(hex('81 05 48 65 6c 6c 6f'), step), [[1, true, 'Hello']]);
    // A fragmented unmasked text message.
    assert.deepEqual(parse(hex('01 03 48 65 6c 80 02 6c 6f'), step), [[1, false, 'Hel'], [0, true, 'lo']]);
    // Unmasked ping request.
    assert.deepEqual(parse(hex('89 05 48 65 6c 6c 6f'), step), [[9, true, 'Hello']]);
    // 256 bytes binary message in a single unmasked frame (16-bit length).
    const b256 = parse(Buffer.concat([hex('82 7e 01 00'), Buffer.alloc(256, 0x61)]), step);
    assert.deepEqual(b256, [[2, true, 'a'.repeat(256)]]);
  }
  // 64 KiB binary message in a single unmasked frame (64-bit length).
  assert.deepEqual(parse(Buffer.concat([hex('82 7f 00 00 00 00 00 01 00 00'), Buffer.alloc(65_536, 0x62)]), 4096), [[2, true, 'b'.repeat(65_536)]]);
  // A single-frame masked text message is what a client sends, never a server.
  assert.equal(parse(hex('81 85 37 fa 21 3d 7f 9f 4d 51 58')), 'WS_MASKED_SERVER_FRAME');
});

test('the client masks its frames: the masked pong of §5.7 unmasks to the ping payload', () => {
  const pong = maskedFrame(0xa, Buffer.from('Hello'));
  assert.equal(pong.length, 11);
  assert.equal(pong[0], 0x8a);
  assert.equal(pong[1], 0x85);
  const key = pong.subarray(2, 6);
  assert.equal(Buffer.from(pong.subarray(6).map((b, i) => b ^ key[i & 3]!)).toString(), 'Hello');
  // The RFC's own masked frame, unmasked with its key 37 fa 21 3d.
  const rfc = hex('8a 85 37 fa 21 3d 7f 9f 4d 51 58');
  assert.equal(Buffer.from(rfc.subarray(6).map((b, i) => b ^ rfc[2 + (i & 3)]!)).toString(), 'Hello');
});

test('what a server must not send is an error code, read from the header before any payload', () => {
  assert.equal(parse(hex('83 00')), 'WS_BAD_OPCODE');
  assert.equal(parse(hex('8b 00')), 'WS_BAD_OPCODE');
  // Control frames: at most 125 bytes, never fragmented (§5.5).
  assert.equal(parse(Buffer.concat([hex('89 7e 00 7e'), Buffer.alloc(126)])), 'WS_BAD_CONTROL_FRAME');
  assert.equal(parse(hex('09 00')), 'WS_BAD_CONTROL_FRAME');
  // A 64-bit length with its most significant bit set (§5.2).
  assert.equal(parse(hex('82 7f 80 00 00 00 00 00 00 01')), 'WS_BAD_LENGTH');
  // 1 TiB announced: refused at once, not buffered while it "arrives".
  assert.equal(parse(hex('82 7f 00 00 01 00 00 00 00 00')), 'WS_FRAME_TOO_LARGE');
  assert.equal(parse(Buffer.concat([hex('82 7e 01 00'), Buffer.alloc(10)]), undefined, 255), 'WS_FRAME_TOO_LARGE');
  assert.deepEqual(parse(Buffer.concat([hex('82 7e 00 ff'), Buffer.alloc(255, 0x63)]), undefined, 255), [[2, true, 'c'.repeat(255)]]);
});

test('a sink that returns false stops the read: nothing after a close frame is handed on', () => {
  const seen: number[] = [];
  const parser = new WsFrameParser({ frame: (opcode) => (seen.push(opcode), opcode !== 8) });
  parser.push(hex('81 00 88 00 81 00'));
  assert.deepEqual(seen, [1, 8]);
});

const PAYLOAD = 21;
const body = (seq: number): Buffer => encodeMessage(seq, nowUs(), PAYLOAD);
const frame = (b0: number, payload: Buffer): Buffer => Buffer.concat([Buffer.from([b0, payload.length]), payload]);

interface Served {
  tally: Tally;
  /** What the client wrote after each handshake, per connection. */
  received: Buffer[];
  connections: number;
}

/**
 * Serves the client: each connection gets the 101 and then `frames(connection index)`; the client is asked for
 * `messages` messages and the result is read once it has them all (or after 5 s).
 */
async function serve(messages: number, frames: (connection: number) => Buffer[]): Promise<Served> {
  const served: Served = { tally: new Tally(), received: [], connections: 0 };
  const server = net.createServer((socket) => {
    const index = served.connections++;
    served.received[index] = Buffer.alloc(0);
    let head = '';
    let upgraded = false;
    socket.on('error', () => {});
    socket.on('data', async (d: Buffer) => {
      if (upgraded) {
        served.received[index] = Buffer.concat([served.received[index]!, d]);
        return;
      }
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      upgraded = true;
      const key = /Sec-WebSocket-Key: (\S+)/i.exec(head)![1]!;
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${wsAcceptKey(key)}\r\n\r\n`);
      for (const part of frames(index)) {
        await sleep(2);
        if (!socket.destroyed) socket.write(part);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const client = createWebSocketClient({
    host: '127.0.0.1',
    port: (server.address() as net.AddressInfo).port,
    profile: loadProfile('minimal'),
    options: { intervalMs: DEFAULTS.intervalMs, longPollTimeoutMs: DEFAULTS.longPollTimeoutMs, perMessageDeflate: false },
    tally: served.tally,
    index: 0,
    onSubscribed: () => {},
    onDone: done,
  });
  client.start();
  client.finish(messages);
  await Promise.race([finished, sleep(5000)]);
  await sleep(50);
  client.close();
  server.close();
  return served;
}

/** The client's frames as the server reads them: [opcode, unmasked payload]. */
function clientFrames(bytes: Buffer): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  let i = 0;
  while (i + 6 <= bytes.length) {
    assert.equal(bytes[i + 1]! & 0x80, 0x80, 'every client frame is masked');
    const len = bytes[i + 1]! & 0x7f;
    const key = bytes.subarray(i + 2, i + 6);
    out.push([bytes[i]! & 0x0f, Buffer.from(bytes.subarray(i + 6, i + 6 + len).map((b, k) => b ^ key[k & 3]!)).toString('latin1')]);
    i += 6 + len;
  }
  return out;
}

test('client: fragmented messages and pings between them; every ping answered by a masked pong with its payload', async () => {
  const b1 = body(1);
  const b2 = body(2);
  const { tally, received } = await serve(3, () => [
    frame(0x81, b1),
    // Message 2 in three fragments, a ping between two of them (§5.4: control frames may be injected).
    frame(0x01, b2.subarray(0, 5)),
    frame(0x89, Buffer.from('are you there')),
    Buffer.concat([frame(0x00, b2.subarray(5, 12)), frame(0x80, b2.subarray(12))]),
    frame(0x82, body(3)),
  ]);
  assert.deepEqual(tally.errors, {});
  assert.equal(tally.delivered, 3);
  assert.equal(tally.duplicated, 0);
  assert.equal(tally.payloadBytes, 3 * PAYLOAD);
  assert.deepEqual(clientFrames(received[0]!).slice(0, 1), [[0xa, 'are you there']]);
});

test('client: a close frame from the server is answered with a masked close, and what follows it is not read', async () => {
  const { tally, received } = await serve(2, () => [Buffer.concat([frame(0x81, body(1)), frame(0x88, Buffer.from([0x03, 0xe8])), frame(0x81, body(2))])]);
  assert.equal(tally.delivered, 1);
  assert.deepEqual(clientFrames(received[0]!)[0], [0x8, '']);
});

for (const [name, bad, code] of [
  ['a frame masked by mistake', Buffer.concat([Buffer.from([0x81, 0x80 | PAYLOAD, 1, 2, 3, 4]), Buffer.alloc(PAYLOAD)]), 'WS_MASKED_SERVER_FRAME'],
  ['an oversized frame', hex('82 7f 00 00 00 10 00 00 00 00'), 'WS_FRAME_TOO_LARGE'],
  ['a reserved opcode', hex('83 00'), 'WS_BAD_OPCODE'],
  ['a continuation with no message begun', frame(0x80, Buffer.from('x')), 'WS_UNEXPECTED_CONTINUATION'],
  ['a compressed frame where no extension was agreed', frame(0xc1, Buffer.from('x')), 'WS_BAD_RSV'],
] as const) {
  test(`client: ${name} is counted as ${code}, ends that connection, and the client reconnects and resumes`, async () => {
    // The first connection gets message 1 and then the bad frame; the reconnect (?since=1) gets message 2.
    const { tally, connections } = await serve(2, (connection) => (connection === 0 ? [frame(0x81, body(1)), bad] : [frame(0x81, body(2))]));
    assert.deepEqual(tally.errors, { [code]: 1 });
    assert.equal(connections, 2);
    assert.equal(tally.delivered, 2);
    assert.equal(tally.duplicated, 0);
  });
}
