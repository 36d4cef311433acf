/** Capacity search over a synthetic oracle (no real runs), and the diagnosis of what ran out. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnose, passes, searchCapacity, type SearchOptions } from '../harness/run/capacity.js';
import type { CompletedTransportRun, ResultsFile } from '../results/types.js';
import { formatCapacity } from '../harness/commands/capacity.js';

const opts: SearchOptions = { start: 1000, max: 100_000, min: 10, factor: 2, precision: 0.05 };
const oracle = (limit: number) => async (clients: number) => ({ clients, ok: clients <= limit });

test('steps ×2 from the start, then bisects to within 5% of the true limit', async () => {
  const r = await searchCapacity(oracle(37_000), opts);
  assert.deepEqual(r.steps.slice(0, 7).map((s) => s.clients), [1000, 2000, 4000, 8000, 16_000, 32_000, 64_000]);
  assert.ok(r.maxClients <= 37_000 && r.firstFailedClients! > 37_000, `${r.maxClients} ${r.firstFailedClients}`);
  assert.ok((r.firstFailedClients! - r.maxClients) / r.maxClients <= 0.05);
  // Every probe below the limit passed and above it failed; none was probed twice.
  for (const s of r.steps) assert.equal(s.ok, s.clients <= 37_000);
  assert.equal(new Set(r.steps.map((s) => s.clients)).size, r.steps.length);
  assert.ok(r.steps.length <= 7 + 5, `${r.steps.length} probes`);
});

test('the maximum passes: stop there, nothing failed', async () => {
  const r = await searchCapacity(oracle(1e9), opts);
  assert.equal(r.maxClients, 100_000);
  assert.equal(r.firstFailedClients, null);
  assert.deepEqual(r.steps.map((s) => s.clients), [1000, 2000, 4000, 8000, 16_000, 32_000, 64_000, 100_000]);
});

test('factor √10 lands on 1k, 10k and 100k exactly', async () => {
  const r = await searchCapacity(oracle(1e9), { ...opts, factor: Math.sqrt(10) });
  assert.deepEqual(r.steps.map((s) => s.clients), [1000, 3162, 10_000, 31_623, 100_000]);
});

test('the start already fails: steps down, then bisects; nothing passes: 0', async () => {
  const r = await searchCapacity(oracle(300), opts);
  assert.deepEqual(r.steps.slice(0, 3).map((s) => s.clients), [1000, 500, 250]);
  assert.ok(r.maxClients <= 300 && r.maxClients >= 300 / 1.05, `${r.maxClients}`);
  const none = await searchCapacity(oracle(0), opts);
  assert.equal(none.maxClients, 0);
  assert.equal(none.firstFailedClients, 10);
  assert.equal(none.steps.at(-1)!.clients, 10);
});

test('with retries a failed count is probed again and passes if any probe does; a real limit still fails', async () => {
  const calls = new Map<number, number>();
  // Fails the first probe at 3162 only (a stall), and every probe above the true limit of 37,000.
  const flaky = async (clients: number) => {
    const n = (calls.get(clients) ?? 0) + 1;
    calls.set(clients, n);
    return { clients, ok: clients <= 37_000 && !(clients === 3162 && n === 1) };
  };
  const r = await searchCapacity(flaky, { ...opts, factor: Math.sqrt(10), retries: 1 });
  assert.ok(r.maxClients <= 37_000 && r.maxClients >= 37_000 / 1.05, `${r.maxClients}`);
  assert.deepEqual(r.steps.slice(0, 3).map((s) => [s.clients, s.ok]), [[1000, true], [3162, false], [3162, true]]);
  // Every failing count above the limit was probed twice, every passing count once (3162 aside).
  for (const [clients, n] of calls) assert.equal(n, clients > 37_000 || clients === 3162 ? 2 : 1, `${clients}`);
  const once = await searchCapacity(oracle(37_000), opts);
  assert.equal(new Set(once.steps.map((s) => s.clients)).size, once.steps.length);
});

test('bad search options are refused', async () => {
  await assert.rejects(searchCapacity(oracle(1), { ...opts, factor: 1 }), /factor/);
  await assert.rejects(searchCapacity(oracle(1), { ...opts, start: 200_000 }), /min <= start <= max/);
});

function run(over: Partial<CompletedTransportRun> & Record<string, unknown> = {}): CompletedTransportRun {
  const base = {
    state: 'completed',
    transport: 'websocket',
    clients: 1000,
    windowS: 10,
    connect: { connected: 1000, durationMs: 100, errors: {} },
    messages: { expected: 10_000, delivered: 10_000, lost: 0, duplicated: 0, reordered: 0 },
    latencyMs: { p50: 5, p90: 8, p99: 20, p999: 30, max: 40, mean: 6, count: 10_000, histogram: '' },
    server: { processes: 1, cpuSeconds: 1, rssBytes: 100e6, maxRssBytes: 100e6, eventLoopDelay: { p50Ms: 0, p99Ms: 1, maxMs: 2 } },
    clientWorkers: { processes: 1, cpuSeconds: 1, rssBytes: 100e6, saturated: false, saturationReason: null },
  };
  return { ...base, ...over } as unknown as CompletedTransportRun;
}
const crit = { p99Ms: 1000, cpus: 2, memoryBytes: 24e9 };

test('diagnosis names the resource that ran out', () => {
  assert.equal(passes(run(), crit), true);
  assert.equal(diagnose(run(), crit), null);
  const late = run({ latencyMs: { ...run().latencyMs, p99: 1500 } });
  assert.equal(passes(late, crit), false);
  assert.match(diagnose(late, crit)!, /^latency \(p99 1500 ms > 1000 ms/);
  assert.match(diagnose(run({ server: { ...run().server, cpuSeconds: 9.5 } }), crit)!, /^server CPU \(1 process\(es\) used 0\.95 cores\)/);
  assert.match(diagnose(run({ server: { ...run().server, processes: 4, cpuSeconds: 12 }, clientWorkers: { ...run().clientWorkers, cpuSeconds: 7 } }), crit)!, /^machine CPU \(server 1\.20 \+ clients 0\.70 of 2 cores\)/);
  assert.match(diagnose(run({ clientWorkers: { ...run().clientWorkers, saturated: true, saturationReason: 'a client worker used 95% of a core' } }), crit)!, /^client CPU/);
  assert.match(diagnose(run({ connect: { connected: 900, durationMs: 1, errors: { 'server:EMFILE': 100 } } }), crit)!, /^descriptors \(100 EMFILE\/ENFILE in the server processes\)/);
  assert.match(diagnose(run({ connect: { connected: 900, durationMs: 1, errors: { EADDRNOTAVAIL: 7 } } }), crit)!, /^source ports \(7 /);
  assert.match(diagnose(run({ server: { ...run().server, rssBytes: 20e9 } }), crit)!, /^memory/);
  assert.match(diagnose(run({ connect: { connected: 990, durationMs: 1, errors: { ECONNRESET: 3 } } }), crit)!, /^connecting \(10 of 1000 clients never subscribed; ECONNRESET 3\)/);
  assert.match(diagnose(run({ messages: { ...run().messages, lost: 5 } }), crit)!, /^delivery \(5 of 10000/);
  assert.equal(diagnose({ state: 'errored', error: 'boom' } as never, crit), 'run errored: boom');
});

test('capacity flags: defaults, overrides, and one-line refusals', async () => {
  const { parseCapacityArgs } = await import('../harness/commands/capacity.js');
  const d = parseCapacityArgs([]);
  assert.equal(d.values['--p99-ms'], 1000);
  assert.equal(d.values['--max-clients'], 100_000);
  assert.equal(d.efficiency, true);
  const o = parseCapacityArgs(['--transports', 'sse,websocket', '--p99-ms=250', '--max-clients', '20_000', '--no-efficiency']);
  assert.deepEqual(o.transports, ['sse', 'websocket']);
  assert.equal(o.values['--p99-ms'], 250);
  assert.equal(o.values['--max-clients'], 20_000);
  assert.equal(o.efficiency, false);
  assert.throws(() => parseCapacityArgs(['--max-clients', '500']), /--min-clients <= --start-clients <= --max-clients/);
  assert.throws(() => parseCapacityArgs(['--factor', '1']), /--factor must be a number from 1.01/);
  assert.throws(() => parseCapacityArgs(['--bogus']), /unknown flag --bogus/);
  assert.throws(() => parseCapacityArgs(['--transports', 'carrier-pigeon']), /unknown transport/);
});

test('the efficiency comparison sends the head pushbench models for the minimal profile plus autocannon\'s Connection header', async () => {
  const { requestHead, comparableProfile } = await import('../harness/measure/efficiency.js');
  const client = await import('../harness/transports/client.js');
  const head = requestHead(8080);
  assert.equal(head, 'GET /poll?since=0 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nConnection: keep-alive\r\n\r\n');
  // What pushbench's polling client writes with the comparison's profile: the same bytes, and the model agrees.
  const ctx = { host: '127.0.0.1', port: 8080, profile: comparableProfile() } as never;
  const ours = client.requestHead(ctx, 'poll', '/poll?since=0');
  assert.equal(ours.text, head);
  assert.equal(ours.modelBytes, Buffer.byteLength(head));
});

test('the capacity table quotes the passing probe at the maximum, not a failed probe of the same count before it', () => {
  const step = (clients: number, ok: boolean, p99Ms: number) => ({ clients, ok, p99Ms, lost: 0, unconnected: 0, limitedBy: null });
  const results = {
    options: { rate: 1 },
    capacity: {
      p99Ms: 1000, maxClients: 100_000, startClients: 1000, precision: 0.05, durationS: 10, intervalMs: 500,
      transports: [{ transport: 'sse', maxClients: 3162, firstFailedClients: 10_000, limitedBy: 'x', steps: [step(1000, true, 20), step(3162, false, 1500), step(3162, true, 700), step(10_000, false, 2000), step(10_000, false, 2100)] }],
    },
  } as unknown as ResultsFile;
  const row = formatCapacity(results).split('\n').find((l) => l.startsWith('sse'))!;
  assert.match(row, / 700\.0 /);
  assert.doesNotMatch(row, /1500/);
});
