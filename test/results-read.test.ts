/** The one reader: every committed file still reads, old forms are brought up to date, kinds are told apart. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { test } from 'node:test';
import { packageRoot } from '../harness/paths.js';
import { ResultsInputError } from '../results/errors.js';
import { decodeHistogram, encodeHistogram, newHistogram, recordUs } from '../results/histogram.js';
import { resultsJson } from '../results/io.js';
import { kindOf, parseFile, readFile } from '../results/read.js';

// docs/results and every folder in it (a study's or a server comparison's files live in one of their own).
const published = ['docs/results', ...readdirSync(path.join(packageRoot, 'docs/results'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => `docs/results/${e.name}`)];
const committed = [...published, 'baselines', 'baselines/proof', 'test/fixtures'].flatMap((d) =>
  readdirSync(path.join(packageRoot, d))
    .filter((n) => n.endsWith('.json') || n.endsWith('.json.gz'))
    .map((n) => path.join(packageRoot, d, n)),
);

test('every committed results, micro and kaazing file (gzipped ones too) reads through the validator, with its kind', () => {
  assert.ok(committed.length >= 15);
  for (const f of committed) {
    const r = readFile(f, ['results', 'micro', 'kaazing', 'floor', 'comparison']);
    const name = path.basename(f);
    const kind = name.includes('micro-') ? 'micro' : f.includes('kaazing') ? 'kaazing' : name.startsWith('floor-') ? 'floor' : name.startsWith('compare-') ? 'comparison' : 'results';
    assert.equal(r.kind, kind, f);
  }
});

test('results files are written with kind first and read back equal', () => {
  const raw = JSON.parse(readFileSync(path.join(packageRoot, 'test', 'fixtures', 'results-quick-small.json'), 'utf8'));
  assert.equal(raw.kind, undefined, 'the fixture is the old form');
  const text = resultsJson(raw);
  assert.match(text, /^\{\n {2}"kind": "results",/);
  assert.deepEqual(parseFile(JSON.parse(text), 'x', ['results']), { ...raw, kind: 'results' });
  assert.match(resultsJson({ kind: 'floor' }), /"kind": "floor"/, 'another kind is kept');
});

test('kinds are told apart; the old kaazing form is kaazing', () => {
  assert.equal(kindOf({ tool: 'pushbench', runs: [] }), 'results');
  assert.equal(kindOf({ tool: 'pushbench', study: 'kaazing', version: 1 }), 'kaazing');
  assert.equal(kindOf({ tool: 'pushbench', kind: 'micro' }), 'micro');
  assert.equal(kindOf({ tool: 'pushbench', kind: 'bogus' }), null);
  assert.equal(kindOf({ tool: 'other' }), null);
  assert.throws(() => parseFile({ tool: 'pushbench', kind: 'comparison' }, 'c.json', ['results', 'micro']), /c\.json is a comparison file, not a pushbench file; pass the results files that were compared/);
  assert.throws(() => parseFile({ tool: 'pushbench', kind: 'micro', schemaVersion: 1 }, 'm.json', ['results']), /m\.json is a micro-benchmark file, not a results file/);
});

test('a damaged floor file is an input error naming the field; null costs (NaN) are allowed', () => {
  const point = { connections: 10, ticks: 1, messages: 10, sender: { userUsPerMessage: 1, systemUsPerMessage: 1, cpuUsPerMessage: 2, cores: 0.1 }, receiver: { userUsPerMessage: null, systemUsPerMessage: null, cpuUsPerMessage: null, cores: null } };
  const floor = { tool: 'pushbench', kind: 'floor', schemaVersion: 1, startedAt: 'a', finishedAt: 'b', environment: { cpuModel: 'x', cpuCount: 2 }, frameBytes: 23, rate: 1, durationS: 1, points: [point] };
  assert.doesNotThrow(() => parseFile(floor, 'f.json', ['floor']));
  assert.throws(
    () => parseFile({ ...floor, points: [{ ...point, connections: 'many' }] }, 'f.json', ['floor']),
    (e: unknown) => e instanceof ResultsInputError && e.field === 'points[0].connections' && /^f\.json: points\[0\]\.connections must be a whole number/.test(e.message),
  );
});

test('the one histogram decoder: 64-bit counts, and a header asking for a huge range is refused before allocating', () => {
  const h = newHistogram();
  for (const us of [100, 200, 300_000]) recordUs(h, us);
  const back = decodeHistogram(encodeHistogram(h));
  assert.equal(back.totalCount, 3);
  assert.equal(back.getValueAtPercentile(50), h.getValueAtPercentile(50));
  // A valid V2 header whose highest trackable value is 2^62: the library would allocate for it.
  const inner = Buffer.alloc(40);
  inner.writeInt32BE(0x1c849303 | 0x10, 0);
  inner.writeInt32BE(0, 4);
  inner.writeInt32BE(0, 8);
  inner.writeInt32BE(3, 12);
  inner.writeBigInt64BE(1n, 16);
  inner.writeBigInt64BE(2n ** 62n, 24);
  inner.writeDoubleBE(1, 32);
  const z = deflateSync(inner);
  const outer = Buffer.alloc(8 + z.length);
  outer.writeInt32BE(0x1c849304 | 0x10, 0);
  outer.writeInt32BE(z.length, 4);
  z.copy(outer, 8);
  assert.throws(() => decodeHistogram(outer.toString('base64')), /is not a latency histogram/);
  assert.throws(() => decodeHistogram('not base64 at all'), /not a compressed V2 HdrHistogram/);
});

test('the faults section and the fault options are checked like every field the fault table and chart read', () => {
  const file = path.join(packageRoot, 'docs', 'results', 'faults-slow-2026-12-01.json');
  const raw = JSON.parse(readFileSync(file, 'utf8'));
  assert.equal(parseFile(structuredClone(raw), 'f.json', ['results']).faults?.spec.kind, 'slow-consumer');
  const damaged = (edit: (o: typeof raw) => void): unknown => {
    const o = structuredClone(raw);
    edit(o);
    return o;
  };
  const refuses = (o: unknown, field: string): void =>
    assert.throws(() => parseFile(o, 'f.json', ['results']), (e: unknown) => e instanceof ResultsInputError && e.field === field, field);
  refuses(damaged((o) => (o.faults.transports[0].detect.maxMs = 'soon')), 'faults.transports[0].detect.maxMs');
  refuses(damaged((o) => (o.faults.transports[0].transport = '<b>sse</b>')), 'faults.transports[0].transport');
  refuses(damaged((o) => (o.faults.transports[1].slow.healthyAfterMs.p99 = {})), 'faults.transports[1].slow.healthyAfterMs.p99');
  refuses(damaged((o) => (o.faults.transports[0].timeline.deliveredPerS = [1, 'x'])), 'faults.transports[0].timeline.deliveredPerS[1]');
  refuses(damaged((o) => (o.faults.spec = { kind: 'meteor', atS: 1 })), 'faults.spec.kind');
  refuses(damaged((o) => (o.faults.resume = 'yes')), 'faults.resume');
  refuses(damaged((o) => (o.options.fault = { kind: 'partition', atS: 1 })), 'options.fault.forS');
  refuses(damaged((o) => (o.options.heartbeatMs = -1)), 'options.heartbeatMs');
});
