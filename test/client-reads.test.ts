/**
 * The clients read every socket into one buffer the worker shares (`onread`), so whatever a parser keeps past one
 * read must be a copy. Each test serves a push stream one byte per TCP segment, so every message spans many reads
 * and every retained view would be overwritten by the next read.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { createStreamClient } from '../harness/transports/streams/client.js';
import { createWebSocketClient } from '../harness/transports/websocket/client.js';
import { Tally, type ClientContext, type SimClient } from '../harness/transports/client.js';
import { encodeMessage, nowUs } from '../harness/protocol/feed.js';
import { wsAcceptKey } from '../harness/protocol/framing.js';
import { loadProfile } from '../harness/protocol/profiles.js';
import { DEFAULTS } from '../harness/run/scenario.js';

const MESSAGES = 3;
const PAYLOAD = 21;

/** Serves `respond(request head)` to one client, each part in a TCP segment of its own, and resolves with the tally. */
async function serveInParts(
  makeClient: (ctx: ClientContext) => SimClient,
  respond: (requestHead: string) => Buffer[],
): Promise<Tally> {
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    let head = '';
    socket.on('data', async (d: Buffer) => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      for (const part of respond(head)) {
        if (socket.destroyed) return;
        socket.write(part);
        // Separate reads: the client must see each part on its own before the next overwrites the buffer.
        await sleep(2);
      }
    });
    socket.on('error', () => {});
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const tally = new Tally();
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const client = makeClient({
    host: '127.0.0.1',
    port: (server.address() as net.AddressInfo).port,
    profile: loadProfile('minimal'),
    options: { intervalMs: DEFAULTS.intervalMs, longPollTimeoutMs: DEFAULTS.longPollTimeoutMs, perMessageDeflate: false },
    tally,
    index: 0,
    onSubscribed: () => {},
    onDone: done,
  });
  client.start();
  client.finish(MESSAGES);
  await Promise.race([finished, sleep(20_000)]);
  client.close();
  server.close();
  return tally;
}

/** Every byte a part of its own. */
const byteParts = (text: string | Buffer): Buffer[] => {
  const b = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  return Array.from(b, (_, i) => b.subarray(i, i + 1));
};
const bodies = (): Buffer[] => Array.from({ length: MESSAGES }, (_, i) => encodeMessage(i + 1, nowUs(), PAYLOAD));
const chunk = (data: string | Buffer): string => {
  const s = typeof data === 'string' ? data : data.toString('latin1');
  return `${s.length.toString(16)}\r\n${s}\r\n`;
};
const STREAM_HEAD = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';

function assertAllDelivered(tally: Tally): void {
  assert.deepEqual(tally.errors, {});
  assert.equal(tally.delivered, MESSAGES);
  assert.equal(tally.duplicated, 0);
  assert.equal(tally.received, MESSAGES);
  assert.ok(tally.bytesReceived > MESSAGES * PAYLOAD, `bytes counted: ${tally.bytesReceived}`);
}

const sseStream = (): string =>
  STREAM_HEAD + bodies().map((b, i) => chunk(`id: ${i + 1}\ndata: ${b.toString('latin1')}\n\n`)).join('');

test('sse: events spanning many reads of the shared buffer arrive intact', async () => {
  assertAllDelivered(await serveInParts((ctx) => createStreamClient(ctx, true), () => byteParts(sseStream())));
});

test('sse: a data line whole in one read and its blank line in the next still arrives intact', async () => {
  // Split right after each "data: ...\n": the data line is complete in its read, the event ends in the next one.
  const parts = sseStream()
    .split(/(?<=data: [^\n]*\n)/)
    .map((p) => Buffer.from(p, 'latin1'));
  assert.equal(parts.length, MESSAGES + 1);
  assertAllDelivered(await serveInParts((ctx) => createStreamClient(ctx, true), () => parts));
});

test('http-streaming: lines spanning many reads of the shared buffer arrive intact', async () => {
  const tally = await serveInParts(
    (ctx) => createStreamClient(ctx, false),
    () => byteParts(STREAM_HEAD + bodies().map((b) => chunk(`${b.toString('latin1')}\n`)).join('')),
  );
  assertAllDelivered(tally);
});

test('websocket: a handshake and frames spanning many reads of the shared buffer arrive intact', async () => {
  const tally = await serveInParts(createWebSocketClient, (head) => {
    const key = /Sec-WebSocket-Key: (\S+)/i.exec(head)![1]!;
    const handshake = `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${wsAcceptKey(key)}\r\n\r\n`;
    const frames = bodies().map((b) => Buffer.concat([Buffer.from([0x81, b.length]), b]));
    return byteParts(Buffer.concat([Buffer.from(handshake, 'latin1'), ...frames]));
  });
  assertAllDelivered(tally);
});
