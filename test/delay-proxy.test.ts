import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { startDelayProxy } from '../harness/net/delay-proxy.js';

/** An echo server on a free loopback port. */
async function echoServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    s.pipe(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
  });
}

/** Sends one byte and waits for its echo; returns the round trip in ms. */
function pingMs(s: net.Socket): Promise<number> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    s.once('data', () => resolve(performance.now() - t0));
    s.write('x');
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

test('adds the one-way delay in each direction: median echo round trip is 2 x delay', async () => {
  const echo = await echoServer();
  const delayMs = 40;
  const proxy = await startDelayProxy({ target: { host: '127.0.0.1', port: echo.port }, delayMs, handshakeRtt: false });
  try {
    const s = await connect(proxy.port);
    const rtts: number[] = [];
    for (let i = 0; i < 9; i++) rtts.push(await pingMs(s));
    s.destroy();
    const m = median(rtts);
    // Timers never fire early, so 2 x delay is a floor; the ceiling only has to tell "delayed once per hop" from
    // "delayed twice per hop" on a noisy 2-core machine.
    assert.ok(m >= 2 * delayMs - 1, `median round trip ${m.toFixed(1)} ms is below 2 x ${delayMs} ms`);
    assert.ok(m < 3 * delayMs, `median round trip ${m.toFixed(1)} ms is far above 2 x ${delayMs} ms`);
  } finally {
    await proxy.close();
    await echo.close();
  }
});

test('charges the handshake round trip to the first bytes of a new connection', async () => {
  const echo = await echoServer();
  const delayMs = 30;
  const proxy = await startDelayProxy({ target: { host: '127.0.0.1', port: echo.port }, delayMs });
  try {
    const t0 = performance.now();
    const s = await connect(proxy.port);
    const first = await new Promise<number>((resolve) => {
      s.once('data', () => resolve(performance.now() - t0));
      s.write('x');
    });
    const second = await pingMs(s);
    s.destroy();
    // SYN + SYN-ACK (2 d), then request (d) and answer (d).
    assert.ok(first >= 4 * delayMs - 1, `first exchange took ${first.toFixed(1)} ms, expected at least 4 x ${delayMs}`);
    assert.ok(second >= 2 * delayMs - 1 && second < first, `second exchange took ${second.toFixed(1)} ms`);
  } finally {
    await proxy.close();
    await echo.close();
  }
});

test('loses nothing and keeps order under jitter and back-pressure, both directions, with half-close', async () => {
  const echo = await echoServer();
  const proxy = await startDelayProxy({ target: { host: '127.0.0.1', port: echo.port }, delayMs: 5, jitterMs: 5, maxQueuedBytes: 64 * 1024 });
  try {
    const data = randomBytes(3 * 1024 * 1024);
    const s = await connect(proxy.port);
    const received: Buffer[] = [];
    let pausedOnce = false;
    s.on('data', (chunk: Buffer) => {
      received.push(chunk);
      // A slow reader makes the proxy's s2c side fill up and push back.
      if (!pausedOnce) {
        pausedOnce = true;
        s.pause();
        setTimeout(() => s.resume(), 200);
      }
    });
    const ended = new Promise<void>((r) => s.on('end', r));
    // Many small writes, so jitter has many chunks to try to reorder.
    for (let off = 0; off < data.length; off += 1000) s.write(data.subarray(off, off + 1000));
    s.end();
    await ended;
    const back = Buffer.concat(received);
    assert.equal(back.length, data.length);
    assert.equal(createHash('sha256').update(back).digest('hex'), createHash('sha256').update(data).digest('hex'));
    const stats = proxy.stats();
    assert.deepEqual(stats, { connections: 1, c2sBytes: data.length, s2cBytes: data.length });
  } finally {
    await proxy.close();
    await echo.close();
  }
});

test('close() tears down open connections and frees the port', async () => {
  const echo = await echoServer();
  const proxy = await startDelayProxy({ target: { host: '127.0.0.1', port: echo.port }, delayMs: 1000 });
  const s = await connect(proxy.port);
  s.write('pending for a second');
  const closed = new Promise<void>((r) => s.on('close', () => r()));
  s.on('error', () => {});
  await proxy.close();
  await closed;
  await assert.rejects(connect(proxy.port), /ECONNREFUSED/);
  await echo.close();
});

test('refuses a non-loopback target and a jitter larger than the delay', async () => {
  await assert.rejects(startDelayProxy({ target: { host: '10.0.0.1', port: 80 }, delayMs: 1 }), /loopback/);
  await assert.rejects(startDelayProxy({ target: { host: '127.0.0.1', port: 80 }, delayMs: 1, jitterMs: 2 }), /jitterMs/);
});
