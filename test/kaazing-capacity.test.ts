import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packageRoot } from '../harness/paths.js';
import { readCapacityLimits, ruledOutOf } from '../harness/studies/kaazing/capacity.js';
import { UsageError } from '../harness/errors.js';
import { readFile } from '../results/read.js';
import type { TransportCapacity } from '../results/types.js';

const quick = JSON.parse(readFileSync(path.join(packageRoot, 'test/fixtures/results-quick-small.json'), 'utf8'));
const study = { rate: 1, payloadBytes: 21, intervalMs: 1000 };

const entry = (transport: TransportCapacity['transport'], maxClients: number): TransportCapacity => ({
  transport, maxClients, firstFailedClients: maxClients * 2, limitedBy: 'server CPU', steps: [],
});

/** A capacity results file: the quick fixture with a `capacity` section, options and search as given. */
function capacityFile(dir: string, name: string, o: { rate?: number; intervalMs?: number; profile?: string; by?: 'rate' } = {}): string {
  const file = path.join(dir, name);
  const results = {
    ...quick,
    options: { ...quick.options, rate: o.rate ?? 1, profile: o.profile ?? 'minimal' },
    capacity: {
      ...(o.by ? { by: o.by, startRate: 1, maxRate: 10, minRate: 0.1 } : {}),
      p99Ms: 1000, maxClients: 100000, startClients: 10000, precision: 0.1, durationS: 60, intervalMs: o.intervalMs ?? 1000,
      transports: [entry('short-polling', 6000), entry('long-polling', 30000), entry('sse', 50000), entry('websocket', 40000)].map((t) =>
        o.by ? { ...t, maxRate: 1, firstFailedRate: 2 } : t,
      ),
    },
  };
  writeFileSync(file, JSON.stringify(results));
  return file;
}

test('a capacity search under the study conditions rules polling transports out above what they sustained, never push ones', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pb-kcap-'));
  try {
    const limits = readCapacityLimits([capacityFile(dir, 'cap.json')], study);
    assert.deepEqual([...limits.keys()], ['short-polling', 'long-polling', 'sse', 'websocket']);
    const all = ['short-polling', 'long-polling', 'sse', 'http-streaming', 'websocket'] as const;
    // 100,000 clients: both pollers are out; sse (50,000) and websocket (40,000) are push transports, measured anyway.
    assert.deepEqual(ruledOutOf(all, 100000, 'kaazing-2009', 21, limits).map((l) => l.transport), ['short-polling', 'long-polling']);
    // 10,000: only short polling (6,000) is out.
    const b = ruledOutOf(all, 10000, 'kaazing-2009', 21, limits);
    assert.deepEqual(b.map((l) => l.transport), ['short-polling']);
    assert.equal(b[0]!.maxClients, 6000);
    assert.equal(b[0]!.firstFailedClients, 12000);
    assert.equal(b[0]!.profile, 'minimal');
    assert.equal(b[0]!.intervalMs, 1000);
    // At its own count or below, a transport is measured.
    assert.deepEqual(ruledOutOf(all, 6000, 'kaazing-2009', 21, limits), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a search with heavier heads than the profile rules nothing out for it', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pb-kcap-'));
  try {
    const limits = readCapacityLimits([capacityFile(dir, 'cap.json', { profile: 'kaazing-2009' })], study);
    // kaazing-2009 polls carry about 900 B of heads, minimal about 100: minimal pollers might fit where those did not.
    assert.deepEqual(ruledOutOf(['short-polling'], 100000, 'minimal', 21, limits), []);
    assert.deepEqual(ruledOutOf(['short-polling'], 100000, 'kaazing-2009', 21, limits).map((l) => l.transport), ['short-polling']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('searches under other conditions are refused, or left out for short polling at another interval', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pb-kcap-'));
  try {
    assert.throws(() => readCapacityLimits([capacityFile(dir, 'r.json', { rate: 2 })], study), (e: Error) => e instanceof UsageError && /searched at 2 msg\/s per client, the study runs 1/.test(e.message));
    assert.throws(() => readCapacityLimits([capacityFile(dir, 'b.json', { by: 'rate' })], study), (e: Error) => e instanceof UsageError && /a search over the rate/.test(e.message));
    assert.throws(() => readCapacityLimits([path.join(packageRoot, 'test/fixtures/results-quick-small.json')], study), (e: Error) => e instanceof UsageError && /not a capacity results file/.test(e.message));
    const warnings: string[] = [];
    const limits = readCapacityLimits([capacityFile(dir, 'i.json', { intervalMs: 500 })], study, (l) => warnings.push(l));
    assert.equal(limits.has('short-polling'), false);
    assert.equal(limits.get('long-polling')?.maxClients, 30000);
    assert.match(warnings.join('\n'), /short-polling polling every 500 ms, the study polls every 1000 ms: not used/);
    // A later file's search of a transport replaces an earlier one's.
    const both = readCapacityLimits([capacityFile(dir, 'i.json', { intervalMs: 500 }), capacityFile(dir, 'j.json')], study);
    assert.equal(both.get('short-polling')?.maxClients, 6000);
    assert.match(both.get('short-polling')!.file, /j\.json$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a study file with a malformed ruled-out entry is refused by the reader', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pb-kcap-'));
  try {
    const k = JSON.parse(readFileSync(path.join(packageRoot, 'test/fixtures/kaazing-small.json'), 'utf8'));
    const good = { transport: 'short-polling', capacity: { file: 'c.json', maxClients: 5, firstFailedClients: null, limitedBy: 'x', rate: 1, intervalMs: 1000, p99Ms: 1000, durationS: 60, profile: 'minimal' }, from: null };
    k.cases[0].ruledOut = [good];
    writeFileSync(path.join(dir, 'ok.json'), JSON.stringify(k));
    assert.equal(readFile(path.join(dir, 'ok.json'), ['kaazing']).cases[0]!.ruledOut![0]!.capacity.maxClients, 5);
    k.cases[0].ruledOut = [{ ...good, capacity: { ...good.capacity, maxClients: 'many' } }];
    writeFileSync(path.join(dir, 'bad.json'), JSON.stringify(k));
    assert.throws(() => readFile(path.join(dir, 'bad.json'), ['kaazing']), /ruledOut\[0\]\.capacity/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the study leaves a ruled-out poller out of the case and scales its row from the case that measured it', async () => {
  const { loadKaazingScenario } = await import('../harness/studies/kaazing/scenario.js');
  const { runKaazingStudy } = await import('../harness/studies/kaazing/study.js');
  const { renderKaazingReport } = await import('../reports/kaazing.js');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pb-kstudy-'));
  try {
    const scenario = { ...loadKaazingScenario(), useCases: [{ useCase: 'A', clients: 4 }, { useCase: 'B', clients: 8 }] };
    const limit = { transport: 'short-polling' as const, file: 'cap.json', maxClients: 6, firstFailedClients: 7, limitedBy: 'server CPU', rate: 1, intervalMs: 1000, p99Ms: 1000, durationS: 60, profile: 'minimal' };
    const { results } = await runKaazingStudy(scenario, {
      profiles: ['minimal'], useCases: scenario.useCases, transports: ['short-polling', 'websocket'], durationS: 2, measureUpTo: null,
      latency: false, latencyOnly: false, delayMs: 50, resultsDir: dir, command: 'test', capacity: new Map([['short-polling', limit]]),
    });
    const [a, b] = results.cases;
    assert.deepEqual(a!.runs.map((r) => r.transport), ['short-polling', 'websocket']);
    assert.equal(a!.ruledOut, undefined);
    assert.deepEqual(b!.runs.map((r) => r.transport), ['websocket']);
    assert.deepEqual(b!.ruledOut?.map((r) => [r.transport, r.capacity.maxClients, r.from?.useCase]), [['short-polling', 6, 'A']]);
    assert.match(renderKaazingReport(results), /\| short-polling \| .* \| not run: capacity \(from A\) \|/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
