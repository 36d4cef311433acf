import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, utimes, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main, parseReportArgs, reportResultsDir } from '../harness/commands/report.js';
import { UsageError } from '../harness/errors.js';
import { packageRoot } from '../harness/paths.js';
import { checkResults, newestResultsFile, ReportInputError } from '../reports/load.js';
import { writeReport } from '../reports/site.js';

const fixture = (name: string) => path.join(packageRoot, 'test', 'fixtures', `results-${name}.json`);

test('parseReportArgs: files, --out and --out=, and unknown options are usage errors', () => {
  assert.deepEqual(parseReportArgs(['a.json', '--out', 'site', 'b.json']), { files: ['a.json', 'b.json'], outDir: 'site', site: false });
  assert.deepEqual(parseReportArgs(['--out=x']), { files: [], outDir: 'x', site: false });
  assert.equal(parseReportArgs([]).outDir, path.join('reports', 'out'));
  assert.throws(() => parseReportArgs(['--out']), UsageError);
  assert.throws(() => parseReportArgs(['--json']), /unknown flag --json/);
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
  assert.throws(() => checkResults({ ...ok, schemaVersion: 3 }, 'f'), /schemaVersion 3/);
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
    assert.deepEqual(files, ['assets', 'data', 'history-quick.html', 'index.html', ...runPaths.map((p) => path.basename(p))].sort());
    assert.deepEqual((await readdir(path.join(dir, 'assets'))).sort(), ['chart.umd.min.js', 'report.css', 'report.js']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('--site takes a directory and nothing else', () => {
  assert.deepEqual(parseReportArgs(['--site', 'public']), { files: [], outDir: 'public', site: true });
  assert.deepEqual(parseReportArgs(['--site=public']), { files: [], outDir: 'public', site: true });
  assert.throws(() => parseReportArgs(['--site']), /--site needs a directory/);
  assert.throws(() => parseReportArgs(['--site', 'public', 'a.json']), /--site DIR builds from the committed results/);
  assert.throws(() => parseReportArgs(['--site', 'public', '--out', 'x']), /--site DIR builds from the committed results/);
});

test('the report of a results directory keeps every run: index and history list all files, other JSON is skipped', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'pushbench-all-'));
  try {
    const results = path.join(dir, 'results');
    await mkdir(path.join(results, 'elsewhere'), { recursive: true });
    await copyFile(fixture('quick'), path.join(results, 'quick-1.json'));
    await copyFile(fixture('quick-small'), path.join(results, 'quick-2.json'));
    // A run's report reads its own directory, not what lies below it.
    await copyFile(fixture('quick-small'), path.join(results, 'elsewhere', 'quick-x.json'));
    await copyFile(path.join(packageRoot, 'test', 'fixtures', 'kaazing-small.json'), path.join(results, 'kaazing.json'));
    await writeFile(path.join(results, 'micro.json'), JSON.stringify({ tool: 'pushbench', kind: 'micro', tasks: [] }));
    const out = path.join(dir, 'site');
    const written = await reportResultsDir(results, out);
    assert.equal(written.runPaths.length, 2);
    assert.equal(written.studyPaths.length, 1);
    assert.deepEqual(written.skipped.map((s) => path.basename(s.file)), ['micro.json']);
    const index = await readFile(written.indexPath, 'utf8');
    for (const p of [...written.runPaths, ...written.studyPaths]) assert.ok(index.includes(`href="${path.basename(p)}"`), `index does not link ${p}`);
    assert.match(await readFile(path.join(out, 'history-quick.html'), 'utf8'), /2 results files of scenario quick/);

    // A second run in the same directory: the rebuilt index holds all three, not only the newest.
    await copyFile(fixture('quick'), path.join(results, 'quick-3.json'));
    const again = await reportResultsDir(results, out);
    assert.equal(again.runPaths.length, 3);
    assert.equal((await readFile(again.indexPath, 'utf8')).match(/<tr><th scope="row"><a href="run-/g)!.length, 3);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('bare pushbench report renders every file in ./results and its subfolders (not node_modules), not only the newest', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'pushbench-bare-'));
  const cwd = process.cwd();
  const stdout = process.stdout.write;
  const stderr = process.stderr.write;
  try {
    await mkdir(path.join(dir, 'results'));
    await copyFile(fixture('quick'), path.join(dir, 'results', 'a.json'));
    await mkdir(path.join(dir, 'results', 'older'));
    await copyFile(fixture('quick-small'), path.join(dir, 'results', 'older', 'b.json'));
    await mkdir(path.join(dir, 'results', 'node_modules'));
    await copyFile(fixture('quick-small'), path.join(dir, 'results', 'node_modules', 'c.json'));
    process.chdir(dir);
    let err = '';
    process.stdout.write = (() => true) as typeof process.stdout.write;
    process.stderr.write = ((c: string) => ((err += c), true)) as typeof process.stderr.write;
    assert.equal(await main(['--out', 'site']), 0);
    process.stdout.write = stdout;
    process.stderr.write = stderr;
    assert.match(err, /^report: 2 run pages, 0 study pages, 0 comparison pages written$/m);
    assert.equal((await readdir(path.join(dir, 'site'))).filter((n) => n.startsWith('run-')).length, 2);
  } finally {
    process.stdout.write = stdout;
    process.stderr.write = stderr;
    process.chdir(cwd);
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
