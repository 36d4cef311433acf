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

// ---------------------------------------------------------------------------------------------------------------
// The search over the per-client rate (`--by rate`).

const rateOpts: SearchOptions = { start: 1, max: 100, min: 0.1, factor: 2, precision: 0.05 };
const rateOracle = (limit: number) => async (rate: number) => ({ clients: 100_000, rate, ok: rate <= limit });

test('by rate: steps ×2 from 1 msg/s, then bisects to within 5% on rates of 3 significant digits', async () => {
  const { searchRate } = await import('../harness/run/capacity.js');
  const r = await searchRate(rateOracle(5.3), rateOpts);
  assert.deepEqual(r.steps.slice(0, 4).map((s) => s.rate), [1, 2, 4, 8]);
  assert.ok(r.maxRate <= 5.3 && r.firstFailedRate! > 5.3, `${r.maxRate} ${r.firstFailedRate}`);
  assert.ok((r.firstFailedRate! - r.maxRate) / r.maxRate <= 0.05);
  for (const s of r.steps) {
    assert.equal(s.ok, s.rate <= 5.3);
    // Every rate probed is readable: at most 3 significant digits.
    assert.equal(s.rate, Number(s.rate.toPrecision(3)), `${s.rate}`);
  }
  assert.equal(new Set(r.steps.map((s) => s.rate)).size, r.steps.length);
});

test('by rate: the start fails, so the search steps down below 1 msg/s, never under the minimum; factor √10 lands on decades', async () => {
  const { searchRate } = await import('../harness/run/capacity.js');
  const low = await searchRate(rateOracle(0.3), rateOpts);
  assert.deepEqual(low.steps.slice(0, 3).map((s) => s.rate), [1, 0.5, 0.25]);
  assert.ok(low.maxRate <= 0.3 && low.maxRate >= 0.3 / 1.05, `${low.maxRate}`);
  const none = await searchRate(rateOracle(0.01), rateOpts);
  assert.equal(none.maxRate, 0);
  assert.equal(none.firstFailedRate, 0.1);
  assert.ok(none.steps.every((s) => s.rate >= 0.1));
  const decades = await searchRate(rateOracle(1e9), { ...rateOpts, max: 100, factor: Math.sqrt(10) });
  assert.deepEqual(decades.steps.map((s) => s.rate), [1, 3.16, 10, 31.6, 100]);
  assert.equal(decades.firstFailedRate, null);
});

test('significant() rounds to readable rates; a rate search refuses a minimum of 0', async () => {
  const { significant, searchRate } = await import('../harness/run/capacity.js');
  assert.deepEqual([1.41421, 0.0316228, 31.6228, 100, 2].map(significant(3)), [1.41, 0.0316, 31.6, 100, 2]);
  await assert.rejects(searchRate(rateOracle(1), { ...rateOpts, min: 0 }), /0 < min <= start <= max/);
});

test('capacity --by rate flags: defaults, and one-line refusals of the other search\'s flags and of too few messages', async () => {
  const { parseCapacityArgs } = await import('../harness/commands/capacity.js');
  assert.equal(parseCapacityArgs([]).by, 'clients');
  const r = parseCapacityArgs(['--by', 'rate', '-t', 'websocket', '--duration', '120']);
  assert.equal(r.by, 'rate');
  assert.equal(r.values['--clients'], 100_000);
  assert.equal(r.values['--start-rate'], 1);
  // The smallest rate judged over 120 s: 5 messages per client.
  assert.equal(r.values['--min-rate'], 0.0417);
  assert.equal(parseCapacityArgs(['--by', 'rate']).values['--min-rate'], 0.0834);
  assert.equal(parseCapacityArgs(['--by', 'rate', '--duration', '5', '--start-rate', '2']).values['--min-rate'], 1);
  assert.equal(parseCapacityArgs(['--by', 'rate', '--min-rate', '0.5', '--duration', '10']).values['--min-rate'], 0.5);
  assert.throws(() => parseCapacityArgs(['--by', 'rate', '--max-clients', '500']), /^UsageError: --max-clients is for the search over client counts; --by rate holds --clients fixed/);
  assert.throws(() => parseCapacityArgs(['--by', 'rate', '--rate', '2']), /--rate is for the search over client counts/);
  assert.throws(() => parseCapacityArgs(['--clients', '500']), /--clients is for --by rate/);
  assert.throws(() => parseCapacityArgs(['--max-rate', '5']), /--max-rate is for --by rate/);
  assert.throws(() => parseCapacityArgs(['--by', 'speed']), /--by must be one of clients, rate/);
  assert.throws(() => parseCapacityArgs(['--by', 'rate', '--start-rate', '200']), /need --min-rate <= --start-rate <= --max-rate, got 0.0834, 200, 100/);
  // 0.01 msg/s for 60 s is 0.6 messages per client: no steady state can be judged from it.
  assert.throws(
    () => parseCapacityArgs(['--by', 'rate', '--min-rate', '0.01']),
    /^UsageError: --min-rate 0.01 for --duration 60 publishes 0.6 messages per client; judging a steady state needs 5: raise --min-rate to 0.0834 or --duration to 500$/,
  );
  // Without --min-rate the start is the smallest rate probed when it is below the judgeable one, and is named.
  assert.throws(() => parseCapacityArgs(['--by', 'rate', '--start-rate', '0.05']), /--start-rate 0.05 for --duration 60 publishes 3 messages per client; judging a steady state needs 5: raise --start-rate to 0.0834 or --duration to 100/);
  const { ceilSignificant } = await import('../harness/commands/capacity.js');
  assert.deepEqual([5 / 60, 5 / 120, 1, 5 / 50, 0.0123401].map((x) => ceilSignificant(x, 3)), [0.0834, 0.0417, 1, 0.1, 0.0124]);
  assert.throws(() => parseCapacityArgs(['--by', 'rate', '--duration', '3']), /--duration 3 is too short to judge a steady state; hold each probe at least 5 s/);
  assert.doesNotThrow(() => parseCapacityArgs(['--by', 'rate', '--min-rate', '0.01', '--duration', '500']));
});

/** A rate search's section as `pushbench capacity --by rate` writes it. */
function rateResults(): ResultsFile {
  const step = (rate: number, ok: boolean, p99Ms: number, limitedBy: string | null = null) => ({ clients: 100_000, rate, ok, p99Ms, lost: 0, unconnected: 0, limitedBy });
  return {
    startedAt: '2026-12-02T00:00:00.000Z',
    environment: { cpuModel: 'AMD EPYC', cpuCount: 2, node: 'v20', commit: null, command: 'pushbench capacity --by rate' },
    options: { rate: 1, transports: ['sse', 'websocket'] },
    runs: [],
    capacity: {
      by: 'rate', startRate: 1, maxRate: 100, minRate: 0.1,
      p99Ms: 1000, maxClients: 100_000, startClients: 100_000, precision: 0.05, retries: 1, durationS: 120, warmupS: 2, intervalMs: 500,
      transports: [
        { transport: 'sse', maxClients: 0, firstFailedClients: 100_000, maxRate: 0, firstFailedRate: 0.1, limitedBy: 'machine CPU (x)', steps: [step(1, false, 3000, 'machine CPU (x)'), step(0.1, false, 2000, 'machine CPU (x)')] },
        { transport: 'websocket', maxClients: 100_000, firstFailedClients: null, maxRate: 0.7, firstFailedRate: 0.75, limitedBy: 'server CPU (y)', steps: [step(1, false, 1500), step(0.5, true, 400), step(0.75, false, 1200, 'server CPU (y)'), step(0.7, false, 1100), step(0.7, true, 900)] },
      ],
    },
  } as unknown as ResultsFile;
}

test('the capacity table by rate: the client count, the largest and first failed rate, p99 of the passing probe at the maximum', () => {
  const lines = formatCapacity(rateResults()).split('\n');
  assert.equal(lines[0], 'capacity of 100,000 clients by per-client rate, pass: p99 <= 1000 ms, nothing lost, every client connected');
  assert.match(lines[1]!, /^transport\s+clients\s+max msg\/s\s+first failed msg\/s\s+p99 ms at max\s+probes\s+limited by$/);
  const ws = lines.find((l) => l.startsWith('websocket'))!.split(/\s{2,}/);
  assert.deepEqual(ws, ['websocket', '100,000', '0.7', '0.75', '900.0', '5', 'server CPU (y)']);
  const sse = lines.find((l) => l.startsWith('sse'))!.split(/\s{2,}/);
  assert.deepEqual(sse, ['sse', '100,000', '0', '0.1', '-', '2', 'machine CPU (x)']);
  // A file from before --by reads as a search over counts: the old table, unchanged.
  const old = formatCapacity({ options: { rate: 1 }, capacity: { ...rateResults().capacity!, by: undefined } } as unknown as ResultsFile);
  assert.match(old.split('\n')[0]!, /^capacity at 1 msg\/s, pass/);
  assert.match(old.split('\n')[1]!, /^transport\s+max clients\s+first failed/);
});

test('the docs parts, the verdict and the chart say the rate result', async () => {
  const { renderDocument, rateCapacitySentence } = await import('../reports/docs.js');
  const { verdictSentences, newestCapacity } = await import('../reports/verdict.js');
  const { capacityChart } = await import('../reports/charts.js');
  const r = rateResults();
  assert.equal(
    rateCapacitySentence(r.capacity!),
    '100,000 clients sustained at p99 ≤ 1,000 ms, latency level over 120 s, nothing lost, every client connected, a failing rate probed again: ' +
      'sse at no rate probed (0.1 msg/s failed: machine CPU (x)); websocket up to 0.7 msg/s each (0.75 failed: server CPU (y)).',
  );
  const source = 'docs/results/rate.json';
  const doc = [
    `<!-- pushbench:begin capacity-table source=${source} -->`, '<!-- pushbench:end -->',
    `<!-- pushbench:begin capacity-probes source=${source} transports=websocket -->`, '<!-- pushbench:end -->',
  ].join('\n');
  const out = renderDocument(doc, 'docs/scale.md', new Map([[source, { kind: 'run' as const, source, results: r }]])).text;
  assert.match(out, /\| transport \| clients \| max msg\/s \| first failed msg\/s \| p99 ms at max \| probes \| limited by \|/);
  assert.match(out, /\| websocket \| 100,000 \| 0\.7 \| 0\.75 \| 900\.0 \| 5 \| server CPU \(y\) \|/);
  assert.match(out, /\| transport \| clients \| msg\/s \| p99 ms \| lost \| unconnected \| probe \| limited by \/ closest limit \|/);
  assert.match(out, /\| websocket \| 100,000 \| 0\.75 \| 1,200\.0 \| 0 \| 0 \| FAILED \| server CPU \(y\) \|/);
  const chart = capacityChart(r)!;
  assert.deepEqual(chart.config.data.datasets[0]!.data, [0, 0.7]);
  assert.match(chart.caption, /per-client rate at which 100,000 clients/);
  // The verdict keeps the newest search of each kind: a rate search is no client-count capacity.
  assert.equal(newestCapacity([r]), null);
  assert.equal(newestCapacity([r], 'rate'), r);
  const sentence = verdictSentences([r]).find((x) => x.includes('--by rate'));
  assert.ok(sentence, verdictSentences([r]).join('\n'));
  assert.match(sentence, /100,000 clients, with p99 at most 1,000 ms, latency level over 120 s, nothing lost and every client connected: sse at none of the rates probed \(machine CPU \(x\)\); websocket up to 0\.7 msg\/s each \(failed at 0\.75: server CPU \(y\)\)\./);
});

test('the reader: a file without `by` is a search over counts; a rate search must carry its rates', async () => {
  const { parseFile } = await import('../results/read.js');
  const { readFileSync } = await import('node:fs');
  const { gunzipSync } = await import('node:zlib');
  const { packageRoot } = await import('../harness/paths.js');
  const old = JSON.parse(gunzipSync(readFileSync(`${packageRoot}/docs/results/capacity-2026-11-21.json.gz`)).toString('utf8'));
  assert.equal(parseFile(old, 'old.json', ['results']).capacity!.by, undefined);
  const rate = structuredClone(old);
  Object.assign(rate.capacity, { by: 'rate', startRate: 1, maxRate: 100, minRate: 0.1 });
  assert.throws(() => parseFile(rate, 'r.json', ['results']), /r\.json: capacity\.transports\[0\]\.maxRate/);
  for (const t of rate.capacity.transports) {
    Object.assign(t, { maxRate: 1, firstFailedRate: null });
    for (const s of t.steps) s.rate = 1;
  }
  assert.equal(parseFile(rate, 'r.json', ['results']).capacity!.transports[0]!.maxRate, 1);
  rate.capacity.by = 'speed';
  assert.throws(() => parseFile(rate, 'r.json', ['results']), /capacity\.by/);
});

test('sizing: cores = clients × rate × µs per message ÷ 10^6, each side pooled over its runs, against the floor', async () => {
  const { sizing, renderDocument } = await import('../reports/docs.js');
  const { readFileSync } = await import('node:fs');
  const { packageRoot } = await import('../harness/paths.js');
  const quick = JSON.parse(readFileSync(`${packageRoot}/test/fixtures/results-quick-small.json`, 'utf8')) as ResultsFile;
  const at = (transport: string, serverCpuS: number, clientCpuS: number, delivered: number): CompletedTransportRun => {
    const r = structuredClone(quick.runs.find((x) => x.transport === transport)!) as CompletedTransportRun;
    return { ...r, server: { ...r.server, cpuSeconds: serverCpuS }, clientWorkers: { ...r.clientWorkers, cpuSeconds: clientCpuS }, messages: { ...r.messages, delivered } };
  };
  // websocket: 18 µs on the server, 9 µs in the generator. sse: two runs, pooled (2 s over 400,000 = 5 µs), not
  // the mean of their ratios (6.67 µs).
  const runs = [at('websocket', 1.8, 0.9, 100_000), at('sse', 1, 0.4, 100_000), at('sse', 1, 0.4, 300_000), { ...quick.runs[0]!, state: 'errored', error: 'x' } as never];
  const cost = (sender: number, receiver: number) => ({ sender: { userUsPerMessage: 0, systemUsPerMessage: sender, cpuUsPerMessage: sender, cores: 0 }, receiver: { userUsPerMessage: 0, systemUsPerMessage: receiver, cpuUsPerMessage: receiver, cores: 0 } });
  const floor = {
    tool: 'pushbench', kind: 'floor', schemaVersion: 1, startedAt: '2026-12-01T00:00:00.000Z', finishedAt: '2026-12-01T00:01:00.000Z',
    environment: quick.environment, frameBytes: 23, rate: 1, durationS: 10,
    // The point with the most connections is the reference: 12 + 6 µs.
    points: [{ connections: 1000, ticks: 10, messages: 10_000, ...cost(20, 10) }, { connections: 10_000, ticks: 10, messages: 100_000, ...cost(12, 6) }],
  } as const;
  const s = sizing(runs, floor as never, 100_000, 0.5);
  const near = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} != ${b}`);
  assert.equal(s.messagesPerS, 50_000);
  assert.equal(s.floorConnections, 10_000);
  near(s.floor.serverCores, 0.6);
  near(s.floor.generatorCores, 0.3);
  near(s.floor.cores, 0.9);
  const ws = s.rows.find((r) => r.name === 'websocket')!;
  near(ws.serverUsPerMessage, 18);
  near(ws.serverCores, 0.9);
  near(ws.generatorCores, 0.45);
  near(ws.cores, 1.35);
  near(ws.xFloor, 1.5);
  const sse = s.rows.find((r) => r.name === 'sse')!;
  near(sse.serverUsPerMessage, 5);
  near(sse.generatorUsPerMessage, 2);
  near(sse.serverCores, 0.25);
  assert.deepEqual(s.rows.map((r) => r.name), ['websocket', 'sse']);

  // The part: both files named, the formula with this load's numbers, one row per transport and the floor's.
  const doc = '<!-- pushbench:begin sizing source=docs/results/floor.json,docs/results/run.json clients=100000 rate=0.5 transports=websocket -->\n<!-- pushbench:end -->\n';
  const inputs = new Map<string, never>([
    ['docs/results/floor.json', { kind: 'floor', source: 'docs/results/floor.json', results: floor } as never],
    ['docs/results/run.json', { kind: 'run', source: 'docs/results/run.json', results: { ...quick, runs } } as never],
  ]);
  const out = renderDocument(doc, 'docs/scale.md', inputs).text;
  assert.match(out, /100,000 clients × 0\.5 msg\/s = 50,000 deliveries\/s; websocket's server: 100,000 × 0\.5 × 18\.0 µs ÷ 10⁶ = \*\*0\.90 cores\*\*, its generator: 100,000 × 0\.5 × 9\.0 µs ÷ 10⁶ = \*\*0\.45 cores\*\*/);
  assert.match(out, /100,000 × 0\.5 × \(12\.0 \+ 6\.0\) µs ÷ 10⁶ = \*\*0\.90 cores\*\* together/);
  assert.match(out, /\| websocket \| 100 \| 18\.0 \| 9\.0 \| 0\.90 \| 0\.45 \| 1\.35 \| 1\.50 \|/);
  assert.match(out, /\| floor \(bare sender \+ receiver\) \| 10,000 sockets \| 12\.0 \| 6\.0 \| 0\.60 \| 0\.30 \| 0\.90 \| 1\.00 \|/);
  assert.doesNotMatch(out, /\| sse \|/);
  // A floor from another CPU sizes nothing.
  const other = new Map(inputs);
  other.set('docs/results/floor.json', { kind: 'floor', source: 'docs/results/floor.json', results: { ...floor, environment: { ...floor.environment, cpuModel: 'Other CPU' } } } as never);
  assert.throws(() => renderDocument(doc, 'docs/scale.md', other), /size from a floor and runs of the same CPU/);
  assert.throws(() => renderDocument(doc.replace('rate=0.5', 'rate=fast'), 'docs/scale.md', inputs), /rate=fast is not a number above 0/);
});

test('capacity takes --pattern like a run, broadcast unless asked, and refuses a pattern that does not exist', async () => {
  const { parseCapacityArgs } = await import('../harness/commands/capacity.js');
  assert.equal(parseCapacityArgs([]).pattern, 'broadcast');
  assert.equal(parseCapacityArgs(['--by', 'rate', '--pattern', 'staggered']).pattern, 'staggered');
  assert.throws(() => parseCapacityArgs(['--pattern', 'sometimes']), /--pattern/);
});

test('the capacity table with check runs beside it: each count search row says whether its count held twice as long', async () => {
  const { renderDocument } = await import('../reports/docs.js');
  const { readFileSync } = await import('node:fs');
  const { gunzipSync } = await import('node:zlib');
  const { packageRoot } = await import('../harness/paths.js');
  const cap = JSON.parse(gunzipSync(readFileSync(`${packageRoot}/docs/results/capacity-2026-11-21.json.gz`)).toString('utf8')) as ResultsFile;
  const quick = JSON.parse(readFileSync(`${packageRoot}/test/fixtures/results-quick-small.json`, 'utf8')) as ResultsFile;
  const max = (t: string) => cap.capacity!.transports.find((x) => x.transport === t)!.maxClients;
  const steady = (state: 'sustained' | 'overloaded') => ({ state, reason: 'x', seconds: 20, slopeMsPerS: 0, riseMs: 0, toleranceMs: 50, firstThirdMeanMs: 1, lastThirdMeanMs: 1 });
  const run = (t: string, windowS: number, state: 'sustained' | 'overloaded', p99: number) => {
    const r = structuredClone(quick.runs.find((x) => x.transport === t)!) as CompletedTransportRun;
    return { ...r, clients: max(t), windowS, steady: steady(state), latencyMs: { ...r.latencyMs, p99 }, messages: { ...r.messages, lost: 0 } };
  };
  // The search held each probe 10 s: a 20 s run checks it, a 10 s one does not.
  const checks = { ...quick, runs: [run('short-polling', 20, 'sustained', 640), run('long-polling', 20, 'overloaded', 1400), run('sse', 10, 'sustained', 100)] } as ResultsFile;
  const doc = '<!-- pushbench:begin capacity-table source=docs/results/c.json,docs/results/k.json -->\n<!-- pushbench:end -->';
  const out = renderDocument(doc, 'docs/scale.md', new Map([
    ['docs/results/c.json', { kind: 'run' as const, source: 'docs/results/c.json', results: cap }],
    ['docs/results/k.json', { kind: 'run' as const, source: 'docs/results/k.json', results: checks }],
  ])).text;
  assert.match(out, /\| transport \| max clients \| first failed \| p99 ms at max \| probes \| held twice as long \| limited by \|/);
  assert.match(out, /\| short-polling \(500 ms\) \| 18,785 \| 19,461 \| 663\.0 \| 14 \| \*\*sustained\*\* over 20 s \(p99 640 ms\) \| server CPU/);
  assert.match(out, /\| long-polling \| [\d,]+ \| [\d,]+ \| [\d.]+ \| \d+ \| \*\*OVERLOADED\*\* over 20 s \(p99 1,400 ms, over 1,000 ms\) \|/);
  assert.match(out, /\| sse \| [\d,]+ \| [-\d,]+ \| [-\d.]+ \| \d+ \| not checked \|/);
});
