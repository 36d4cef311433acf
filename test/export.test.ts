/** pushbench export: each format checked against the rules its consumer parses by. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { distHarnessDir, packageRoot } from '../harness/paths.js';
import { CSV_HEADER, csvField, renderOpenMetrics, toBenchmarkAction, toCsv, toOpenMetrics } from '../reports/export.js';
import type { ResultsFile } from '../results/types.js';
import { checkOpenMetrics } from './openmetrics-check.js';

const FIXTURE = path.join(packageRoot, 'test', 'fixtures', 'results-quick-small.json');
const results = (): ResultsFile => JSON.parse(readFileSync(FIXTURE, 'utf8')) as ResultsFile;

/** RFC 4180 reader: CRLF records, quoted fields with doubled quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), (i += 2);
      else if (c === '"') (quoted = false), i++;
      else (field += c), i++;
    } else if (c === '"') {
      assert.equal(field, '', 'a quote opens a field only at its start');
      quoted = true;
      i++;
    } else if (c === ',') (row.push(field), (field = '')), i++;
    else if (c === '\r') {
      assert.equal(text[i + 1], '\n', 'records end in CRLF');
      row.push(field), rows.push(row), (row = []), (field = ''), (i += 2);
    } else {
      assert.notEqual(c, '\n', 'no bare LF outside quotes');
      (field += c), i++;
    }
  }
  assert.equal(field, '', 'the last record ends in CRLF');
  return rows;
}

test('CSV: RFC 4180 header and records, one per run, quoting what needs it', () => {
  const f = results();
  const errored = { ...f.runs[0]!, state: 'errored' as const, error: 'server said "no", then\r\nclosed, twice' };
  f.runs.push(errored as never);
  const rows = parseCsv(toCsv(f));
  assert.deepEqual(rows[0], CSV_HEADER);
  assert.equal(rows.length, 1 + f.runs.length);
  for (const r of rows) assert.equal(r.length, CSV_HEADER.length, 'every record has every column');
  const col = (name: string): number => CSV_HEADER.indexOf(name);
  const sse = rows.find((r) => r[col('transport')] === 'sse')!;
  const run = f.runs.find((r) => r.transport === 'sse' && r.state === 'completed') as Extract<ResultsFile['runs'][number], { state: 'completed' }>;
  assert.equal(Number(sse[col('latencyP99Ms')]), run.latencyMs.p99);
  assert.equal(Number(sse[col('s2cBytes')]), run.wire.s2cBytes);
  const last = rows[rows.length - 1]!;
  assert.equal(last[col('error')], errored.error, 'quotes, comma and CRLF survive the round trip');
  assert.equal(last[col('latencyP99Ms')], '', 'an errored run has no measured figures');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`, 'formula-looking text is neutralised');
  assert.equal(csvField(12.5), '12.5');
});

test('OpenMetrics: TYPE/UNIT/HELP lines, legal names, units as suffixes, # EOF, values from the results', () => {
  const f = results();
  const samples = checkOpenMetrics(toOpenMetrics(f));
  const run = f.runs.find((r) => r.transport === 'websocket' && r.state === 'completed') as Extract<ResultsFile['runs'][number], { state: 'completed' }>;
  const p99 = samples.find((s) => s.name === 'pushbench_latency_seconds' && s.labels.transport === 'websocket' && s.labels.quantile === '0.99')!;
  assert.equal(p99.value, run.latencyMs.p99 / 1000);
  const count = samples.find((s) => s.name === 'pushbench_latency_seconds_count' && s.labels.transport === 'websocket')!;
  assert.equal(count.value, run.latencyMs.count);
  const s2c = samples.find((s) => s.name === 'pushbench_wire_bytes' && s.labels.transport === 'websocket' && s.labels.direction === 's2c' && s.labels.phase === 'total')!;
  assert.equal(s2c.value, run.wire.s2cBytes);
  assert.equal(samples.filter((s) => s.name === 'pushbench_run_info').length, f.runs.length);
  // Label values are escaped; names the format forbids are refused, not written.
  const text = renderOpenMetrics([{ name: 'x_total_bytes', type: 'gauge', unit: 'bytes', help: 'a\nb', samples: [{ labels: { l: 'q"\\\n' }, value: 1 }] }]);
  assert.equal(checkOpenMetrics(text)[0]!.labels.l, 'q"\\\n');
  assert.throws(() => renderOpenMetrics([{ name: '1bad', type: 'gauge', help: '', samples: [] }]), /invalid metric name/);
  assert.throws(() => renderOpenMetrics([{ name: 'x_seconds', type: 'gauge', unit: 'bytes', help: '', samples: [] }]), /must end in its unit/);
  assert.throws(() => renderOpenMetrics([{ name: 'x', type: 'gauge', help: '', samples: [{ labels: { 'a-b': 1 }, value: 1 }] }]), /invalid label name/);
});

test('benchmark-action: an array of {name, unit, value, extra?} with unique names, medians over repeats', () => {
  const f = results();
  const second = JSON.parse(JSON.stringify(f.runs.find((r) => r.transport === 'sse'))) as Extract<ResultsFile['runs'][number], { state: 'completed' }>;
  const first = f.runs.find((r) => r.transport === 'sse') as typeof second;
  second.repeat = 1;
  second.latencyMs.p99 = first.latencyMs.p99 + 10;
  f.runs.push(second);
  const entries = toBenchmarkAction(f);
  assert.ok(Array.isArray(entries) && entries.length > 0);
  for (const e of entries) {
    assert.deepEqual(Object.keys(e).filter((k) => !['name', 'unit', 'value', 'extra'].includes(k)), [], 'only the fields the action reads');
    assert.equal(typeof e.name, 'string');
    assert.equal(typeof e.unit, 'string');
    assert.ok(typeof e.value === 'number' && Number.isFinite(e.value));
    if ('extra' in e) assert.equal(typeof e.extra, 'string');
  }
  assert.equal(new Set(entries.map((e) => e.name)).size, entries.length, 'names are unique');
  const p99 = entries.find((e) => e.name === 'quick sse latency p99')!;
  assert.equal(p99.unit, 'ms');
  assert.equal(p99.value, first.latencyMs.p99 + 5, 'median of the two repeats');
  assert.match(p99.extra!, /median of 2 repeats/);
});

test('pushbench export: stdout or --out, one-line errors for a missing format or file', () => {
  const cli = (args: string[]) => spawnSync(process.execPath, [path.join(distHarnessDir, 'cli.js'), 'export', ...args], { encoding: 'utf8' });
  const csv = cli([FIXTURE, '-f', 'csv']);
  assert.equal(csv.status, 0);
  assert.equal(csv.stdout, toCsv(results()));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pushbench-export-'));
  try {
    const out = path.join(dir, 'm.txt');
    assert.equal(cli([FIXTURE, '--format=openmetrics', '-o', out]).status, 0);
    assert.equal(readFileSync(out, 'utf8'), toOpenMetrics(results()));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const noFormat = cli([FIXTURE]);
  assert.equal(noFormat.status, 2);
  assert.match(noFormat.stderr, /^pushbench: name a format: --format csv\|openmetrics\|benchmark-action\n$/);
  const badFormat = cli([FIXTURE, '-f', 'xml']);
  assert.equal(badFormat.status, 2);
  assert.match(badFormat.stderr, /--format must be one of csv, openmetrics, benchmark-action, got "xml"/);
});
