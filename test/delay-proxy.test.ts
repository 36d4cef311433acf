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

/** An echo server that also counts the connections it has accepted and holds open. */
async function countingEcho(): Promise<{ port: number; accepted(): number; open(): number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    accepted++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    s.pipe(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    accepted: () => accepted,
    open: () => sockets.size,
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}

const until = async (cond: () => boolean): Promise<void> => {
  while (!cond()) await new Promise((r) => setTimeout(r, 10));
};

test('drop(share) resets exactly that share of the open connections, spread over them, and leaves the rest working', async () => {
  const echo = await countingEcho();
  const proxy = await startDelayProxy({ target: { host: '127.0.0.1', port: echo.port }, delayMs: 0, handshakeRtt: false });
  try {
    const clients: net.Socket[] = [];
    for (let i = 0; i < 10; i++) {
      const s = await connect(proxy.port);
      await pingMs(s); // connected through to the server
      clients.push(s);
    }
    const errors = clients.map((s) => new Promise<string>((resolve) => {
      s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'ERROR'));
      s.on('close', () => resolve('CLOSED'));
    }));
    assert.equal(proxy.open(), 10);
    assert.equal(proxy.drop(0.3), 3);
    const cut = [3, 6, 9]; // where the running count 0.3, 0.6, 0.9, 1.2, ... crosses an integer, in accept order
    for (const i of cut) assert.equal(await errors[i], 'ECONNRESET', `connection ${i} was not reset`);
    for (let i = 0; i < 10; i++) if (!cut.includes(i)) assert.ok((await pingMs(clients[i]!)) >= 0);
    await until(() => echo.open() === 7);
    assert.equal(proxy.open(), 7);
    assert.equal(proxy.drop(1), 7);
    assert.throws(() => proxy.drop(1.5), /share/);
    for (const s of clients) s.destroy();
  } finally {
    await proxy.close();
    await echo.close();
  }
});

test('blackhole holds data, closes and new connections without closing anything, then passes all of it on in order', async () => {
  const echo = await countingEcho();
  const proxy = await startDelayProxy({ target: { host: '127.0.0.1', port: echo.port }, delayMs: 0, handshakeRtt: false });
  try {
    const a = await connect(proxy.port);
    const b = await connect(proxy.port);
    await pingMs(a);
    await pingMs(b);
    const before = proxy.stats();
    proxy.blackhole(true);
    const received: Buffer[] = [];
    a.on('data', (d: Buffer) => received.push(d));
    a.write('one,');
    a.write('two');
    // b goes away during the partition: the server must not hear of it until the partition ends.
    b.on('error', () => {});
    b.destroy();
    // A new connection during the partition is accepted by the proxy but not connected to the server.
    const c = await connect(proxy.port);
    c.write('three');
    const cReceived: Buffer[] = [];
    c.on('data', (d: Buffer) => cReceived.push(d));
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(proxy.stats(), { ...before, connections: 3 }, 'nothing forwarded while the black hole lasts');
    assert.equal(received.length, 0);
    assert.equal(echo.accepted(), 2, 'no connection reached the server during the black hole');
    assert.equal(echo.open(), 2, 'no close reached the server during the black hole');
    assert.equal(a.destroyed, false);
    proxy.blackhole(false);
    await until(() => Buffer.concat(received).length === 7 && Buffer.concat(cReceived).length === 5);
    assert.equal(Buffer.concat(received).toString(), 'one,two');
    assert.equal(Buffer.concat(cReceived).toString(), 'three');
    assert.equal(echo.accepted(), 3);
    await until(() => echo.open() === 2); // b's close arrived, c is connected
    a.destroy();
    c.destroy();
  } finally {
    await proxy.close();
    await echo.close();
  }
});
