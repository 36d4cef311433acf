/**
 * `--pattern`: the phase arithmetic on fixed inputs; every transport under `staggered` delivers everything with bytes
 * equal to the model; the server spreads one message's due times (and so its receipt) over the period, where a
 * broadcast does not; option errors.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { test } from 'node:test';
import WebSocket from 'ws';
import { reap, spawnChild } from '../harness/run/children.js';
import type { FromServer, ToServer } from '../harness/run/ipc.js';
import { MAX_STAGGER_SLOTS, scheduleEvent, slotOf, slotPhaseUs, staggerSlots, vanDerCorput } from '../harness/run/pattern.js';
import { runScenario } from '../harness/run/runner.js';
import { assertComparable } from '../harness/compare/compare.js';
import { decodeMessage, nowUs } from '../harness/protocol/feed.js';
import { packageRoot } from '../harness/paths.js';
import { TRANSPORTS } from '../harness/transports/registry.js';
import { formatTable } from '../reports/table.js';
import { patternOf, type CompletedTransportRun, type TransportName } from '../results/types.js';
import { smallRun } from './helpers.js';

const CLI = path.join(packageRoot, 'dist', 'harness', 'cli.js');

test('phases: van der Corput by accept order, slots bounded by 1 ms and MAX_STAGGER_SLOTS, one schedule of events', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7].map(vanDerCorput), [0, 0.5, 0.25, 0.75, 0.125, 0.625, 0.375, 0.875]);
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => slotOf(i, 4)), [0, 2, 1, 3, 0, 2, 1, 3]);
  assert.equal(slotOf(5, 1), 0, 'a broadcast has one slot');
  assert.equal(staggerSlots('broadcast', 1), 1);
  assert.equal(staggerSlots(undefined, 1), 1, 'absent is a broadcast');
  assert.equal(staggerSlots('staggered', 1), MAX_STAGGER_SLOTS);
  assert.equal(MAX_STAGGER_SLOTS, 1000);
  assert.equal(staggerSlots('staggered', 100), 10, '10 ms period: 1 ms apart');
  assert.equal(staggerSlots('staggered', 5000), 1, 'a period under 1 ms: one slot');
  assert.deepEqual(scheduleEvent(0, 1e6, 1, 1), { seq: 1, slot: 0, dueUs: 1e6 });
  assert.deepEqual(scheduleEvent(3, 1e6, 2, 1), { seq: 4, slot: 0, dueUs: 2.5e6 }, 'a broadcast: message k at (k-1)/rate');
  assert.deepEqual(scheduleEvent(5, 1e6, 1, 4), { seq: 2, slot: 1, dueUs: 2.25e6 }, 'message 2 of slot 1 of 4');
  assert.equal(slotPhaseUs(3, 1, 4), 750_000);
  // Any first n connections of a process are spread over the period: the largest gap between phases is under 2/n.
  for (const n of [10, 50, 100, 333]) {
    const phases = Array.from({ length: n }, (_, i) => slotOf(i, 1000) / 1000).sort((a, b) => a - b);
    const gaps = phases.slice(1).map((p, i) => p - phases[i]!);
    gaps.push(1 - phases[n - 1]! + phases[0]!);
    assert.ok(Math.max(...gaps) < 2 / n, `${n} connections: largest gap ${Math.max(...gaps)}`);
  }
});

for (const name of Object.keys(TRANSPORTS) as TransportName[]) {
  test(`${name} staggered: every message delivered once, bytes equal the model, the run says staggered`, async () => {
    const results = await runScenario(smallRun({ transports: [name], clients: 100, rate: 2, durationS: 2, intervalMs: 200, pattern: 'staggered' }));
    const run = results.runs[0]!;
    assert.equal(run.state, 'completed', run.state === 'errored' ? run.error : '');
    const r = run as CompletedTransportRun;
    assert.equal(r.pattern, 'staggered');
    assert.equal(r.messages.delivered, r.messages.expected);
    assert.equal(r.messages.expected, 100 * r.published);
    assert.equal(r.messages.duplicated + r.messages.reordered, 0);
    assert.deepEqual(r.wire.setup, r.wire.model.setup);
    assert.equal(r.wire.c2sBytes, r.wire.model.c2sBytes);
    assert.equal(r.wire.s2cBytes, r.wire.model.s2cBytes);
    assert.equal(r.wire.matchesModel, true);
    // One lateness figure per message and slot: 1 message/2 s period of 500 ms → 500 slots.
    assert.equal(r.server.publishLateMs?.messages, r.published * 500);
    assert.match(formatTable(results), /bytes = model; staggered/);
  });
}

// ---- receipt times, against the server process directly -------------------------------------------------------

interface Receipt {
  dueUs: number;
  atUs: number;
}

/** One raw subscriber per transport: calls `got` with every message's seq and body due time as it arrives. */
function subscribe(transport: TransportName, port: number, got: (seq: number, dueUs: number) => void): { ready: Promise<void>; close: () => void } {
  const bodies = (text: string): void => {
    for (const m of text.matchAll(/([0-9a-z]+ [0-9a-z]+\.*)/g)) {
      const d = decodeMessage(Buffer.from(m[1]!, 'latin1'));
      if (d) got(d.seq, d.publishUs);
    }
  };
  if (transport === 'websocket') {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`);
    ws.on('message', (data: Buffer) => bodies(data.toString('latin1')));
    return { ready: new Promise((resolve, reject) => (ws.once('open', () => resolve()), ws.once('error', reject))), close: () => ws.terminate() };
  }
  // One keep-alive socket per client: the server gives a connection its phase.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = (url: string): Promise<string> =>
    new Promise((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: url, agent }, (res) => {
        let text = '';
        res.setEncoding('latin1');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve(text));
      }).once('error', reject);
    });
  if (transport === 'sse' || transport === 'http-streaming') {
    let request: http.ClientRequest | null = null;
    const ready = new Promise<void>((resolve, reject) => {
      request = http.get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
        res.setEncoding('latin1');
        res.on('data', (c: string) => bodies(c));
        resolve();
      });
      request.once('error', reject);
    });
    return { ready, close: () => (request?.destroy(), agent.destroy()) };
  }
  let closed = false;
  const ready = get('/').then((cursor) => {
    let since = Number(cursor);
    const loop = async (): Promise<void> => {
      while (!closed) {
        const text = await get(`/?since=${since}`).catch(() => '');
        for (const line of text.split('\n')) {
          const d = line ? decodeMessage(Buffer.from(line, 'latin1')) : null;
          if (d) {
            got(d.seq, d.publishUs);
            since = d.seq;
          }
        }
        if (transport === 'short-polling') await new Promise((r) => setTimeout(r, 20));
      }
    };
    void loop();
  });
  return { ready, close: () => ((closed = true), agent.destroy()) };
}

/** Starts the server child, subscribes `clients` raw clients, publishes 2 messages at `rate`; each client's receipt of message 2. */
async function receipts(transport: TransportName, slots: number, processes = 1, clients = 100, rate = 2): Promise<Receipt[]> {
  const server = spawnChild<ToServer, FromServer>('server-process', `${transport} server (pattern test)`);
  const subs: Array<{ close: () => void }> = [];
  try {
    server.send({
      type: 'start',
      config: {
        transport,
        host: '127.0.0.1',
        port: 0,
        profile: 'minimal',
        payloadBytes: 21,
        options: { intervalMs: 20, longPollTimeoutMs: 30_000, perMessageDeflate: false },
        injectServerCostUs: 0,
        processes,
        slots,
      },
    });
    const { port } = await server.next<Extract<FromServer, { type: 'listening' }>>('listening', 15_000);
    const got: Array<Receipt | null> = Array.from({ length: clients }, () => null);
    const seen: number[][] = Array.from({ length: clients }, () => []);
    for (let i = 0; i < clients; i++) {
      const sub = subscribe(transport, port, (seq, dueUs) => {
        seen[i]!.push(seq);
        if (seq === 2) got[i] = { dueUs, atUs: nowUs() };
      });
      subs.push(sub);
      // One at a time: the accept order is the client order.
      await sub.ready;
    }
    server.send({ type: 'publish', count: 2, rate, startUs: nowUs() + 200_000 });
    await server.next('published', 15_000);
    const deadline = Date.now() + 5000;
    while (got.some((g) => g === null) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(seen.filter((s) => s.join() !== '1,2').length, 0, 'every client got messages 1 and 2, once, in order');
    return got as Receipt[];
  } finally {
    for (const s of subs) s.close();
    server.process.kill('SIGKILL');
    await reap([server.process], 2000);
  }
}

const span = (xs: number[]): number => Math.max(...xs) - Math.min(...xs);

for (const name of Object.keys(TRANSPORTS) as TransportName[]) {
  test(`${name}: staggered spreads one message's due and receipt times over the period, a broadcast does not`, async () => {
    const periodUs = 500_000;
    const stag = await receipts(name, staggerSlots('staggered', 2));
    // Due times are the server's arithmetic: 100 clients on 500 slots, phases from 0 to just under the period.
    assert.equal(new Set(stag.map((r) => r.dueUs)).size, 100, 'each client its own phase');
    assert.ok(span(stag.map((r) => r.dueUs)) >= 0.9 * periodUs, `due times span ${span(stag.map((r) => r.dueUs))} µs`);
    for (const r of stag) assert.ok(r.atUs >= r.dueUs, 'nothing arrives before it is due');
    assert.ok(span(stag.map((r) => r.atUs)) >= periodUs / 2, `receipts span ${span(stag.map((r) => r.atUs))} µs`);
    const bcast = await receipts(name, 1);
    assert.equal(new Set(bcast.map((r) => r.dueUs)).size, 1, 'one due time for everyone');
    assert.ok(span(bcast.map((r) => r.atUs)) < periodUs / 2, `broadcast receipts span ${span(bcast.map((r) => r.atUs))} µs`);
  });
}

test('cluster workers each spread their own connections over the period', async () => {
  const periodUs = 500_000;
  const got = await receipts('websocket', staggerSlots('staggered', 2), 2);
  // Round-robin: each worker holds about half and gives its own connections van der Corput phases, so the two
  // workers' due times coincide (not 100 distinct) and each set still spans the period.
  const distinct = new Set(got.map((r) => r.dueUs)).size;
  assert.ok(distinct >= 50 && distinct < 100, `${distinct} distinct due times`);
  assert.ok(span(got.map((r) => r.dueUs)) >= 0.9 * periodUs);
});

test('--pattern: bad values and servers that broadcast to one channel are refused (exit 2, nothing started)', () => {
  const bad = spawnSync(process.execPath, [CLI, 'run', 'quick', '--pattern', 'rolling'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--pattern must be one of broadcast, staggered, got "rolling"/);
  for (const server of ['nchan', 'socketio', 'external']) {
    const r = spawnSync(process.execPath, [CLI, 'run', 'quick', '--pattern', 'staggered', '--server', server, '--target', 'http://127.0.0.1:9'], { encoding: 'utf8' });
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
    assert.match(r.stderr, new RegExp(`--pattern staggered needs pushbench's own servers: --server ${server} publishes each message to one channel`));
  }
  const help = spawnSync(process.execPath, [CLI, 'run', '--help'], { encoding: 'utf8' });
  assert.match(help.stdout, /--pattern broadcast\|staggered\s+when each client's message is due.*\(default broadcast\)/);
});

test('compare refuses runs of different patterns; a file without a pattern is a broadcast', () => {
  const run = (pattern?: 'broadcast' | 'staggered') => ({ transport: 'websocket', repeat: 0, clients: 1, rate: 1, payloadBytes: 21, durationS: 1, profile: 'minimal', transportOptions: { intervalMs: 1000, longPollTimeoutMs: 30000, perMessageDeflate: false }, state: 'errored', error: 'x', ...(pattern ? { pattern } : {}) });
  const file = (pattern?: 'broadcast' | 'staggered') => ({ options: { host: '127.0.0.1', port: 0 }, runs: [run(pattern)] }) as never;
  assert.equal(patternOf({}), 'broadcast');
  assert.doesNotThrow(() => assertComparable(file(), file('broadcast')));
  assert.throws(() => assertComparable(file(), file('staggered')), /websocket was published with different patterns \(baseline broadcast, candidate staggered\).*--pattern broadcast/);
});
