import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, utimes, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main, parseReportArgs } from '../harness/commands/report.js';
import { UsageError } from '../harness/errors.js';
import { packageRoot } from '../harness/paths.js';
import { checkResults, newestResultsFile, ReportInputError } from '../reports/load.js';
import { writeReport } from '../reports/site.js';

const fixture = (name: string) => path.join(packageRoot, 'test', 'fixtures', `results-${name}.json`);

test('parseReportArgs: files, --out and --out=, and unknown options are usage errors', () => {
  assert.deepEqual(parseReportArgs(['a.json', '--out', 'site', 'b.json']), { files: ['a.json', 'b.json'], outDir: 'site' });
  assert.deepEqual(parseReportArgs(['--out=x']), { files: [], outDir: 'x' });
  assert.equal(parseReportArgs([]).outDir, path.join('reports', 'out'));
  assert.throws(() => parseReportArgs(['--out']), UsageError);
  assert.throws(() => parseReportArgs(['--json']), /unknown option --json/);
});

test('bad input is a one-line usage error and writes nothing', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'pushbench-report-'));
  try {
    const out = path.join(dir, 'site');
    const bad = path.join(dir, 'bad.json');
    await writeFile(bad, '{"tool":"something-else"}');
    const notJson = path.join(dir, 'broken.json');
    await writeFile(notJson, '{');
    for (const [args, message] of [
      [[path.join(dir, 'missing.json')], /^no such results file: /],
      [[bad], /is not a pushbench results file/],
      [[notJson], /is not valid JSON/],
      [[fixture('quick'), bad], /is not a pushbench results file/],
    ] as const) {
      await assert.rejects(main([...args, '--out', out]), (e: Error) => e instanceof UsageError && message.test(e.message) && !e.message.includes('\n'));
    }
    assert.equal(existsSync(out), false);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('checkResults names the first missing part', () => {
  // Every field is checked, types included, so the file and the runs' common fields must be complete.
  const full = JSON.parse(readFileSync(fixture('quick'), 'utf8'));
  const ok = { ...full, runs: [] };
  const base = { transport: 'sse', repeat: 0, clients: 1, rate: 1, payloadBytes: 21, durationS: 1, profile: 'minimal', transportOptions: { intervalMs: 1000, longPollTimeoutMs: 30000, perMessageDeflate: false } };
  assert.doesNotThrow(() => checkResults(ok, 'f'));
  assert.throws(() => checkResults({ ...ok, schemaVersion: 2 }, 'f'), /schemaVersion 2/);
  assert.throws(() => checkResults({ ...ok, runs: [{ ...base, state: 'errored' }] }, 'f'), /runs\[0\] is errored but has no "error"/);
  assert.throws(() => checkResults({ ...ok, runs: [{ ...base, state: 'completed', published: 1, windowS: 1, connect: { connected: 1, durationMs: 1, errors: {} }, messages: { expected: 1, delivered: 1, lost: 0, duplicated: 0, reordered: 0 } }] }, 'f'), /runs\[0\]\.wire must be an object/);
  assert.throws(() => checkResults([], 'f'), ReportInputError);
});

test('newestResultsFile picks the latest modified results file', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'pushbench-results-'));
  try {
    assert.equal(await newestResultsFile(path.join(dir, 'none')), null);
    const older = path.join(dir, 'quick-1.json');
    const newer = path.join(dir, 'quick-2.json');
    await copyFile(fixture('quick'), older);
    await copyFile(fixture('quick'), newer);
    await writeFile(path.join(dir, 'notes.txt'), 'x');
    await utimes(older, new Date(2_000_000_000_000), new Date(2_000_000_000_000));
    await utimes(newer, new Date(1_000_000_000_000), new Date(1_000_000_000_000));
    assert.equal(await newestResultsFile(dir), older);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('writeReport writes the index, one page per file, a history per scenario and self-contained assets', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'pushbench-site-'));
  try {
    const { indexPath, runPaths } = await writeReport([fixture('quick'), fixture('quick-small'), fixture('quick')], dir);
    assert.equal(indexPath, path.join(dir, 'index.html'));
    assert.equal(new Set(runPaths).size, 3);
    const files = (await readdir(dir)).sort();
    assert.deepEqual(files, ['assets', 'history-quick.html', 'index.html', ...runPaths.map((p) => path.basename(p))].sort());
    assert.deepEqual((await readdir(path.join(dir, 'assets'))).sort(), ['chart.umd.min.js', 'report.css', 'report.js']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('newestResultsFile passes over newer files of other kinds (floor, micro) in the results folder', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'pushbench-results-'));
  try {
    const run = path.join(dir, 'quick-1.json');
    await copyFile(fixture('quick'), run);
    await utimes(run, new Date(1_000_000_000_000), new Date(1_000_000_000_000));
    await writeFile(path.join(dir, 'floor-2.json'), JSON.stringify({ tool: 'pushbench', kind: 'floor', schemaVersion: 1 }));
    await writeFile(path.join(dir, 'micro.json'), JSON.stringify({ tool: 'pushbench', kind: 'micro', schemaVersion: 1 }));
    assert.equal(await newestResultsFile(dir), run);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
