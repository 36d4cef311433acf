import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main as compareMain } from '../harness/commands/compare.js';
import { main as baselineMain } from '../harness/commands/baseline.js';
import { UsageError } from '../harness/errors.js';
import { latencySeries, resultsFile } from './compare-fixtures.js';

/** Runs a command with stdout and stderr captured, so the test runner's output stays readable. */
async function run(fn: (argv: string[]) => Promise<number>, argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const write = process.stdout.write;
  const writeErr = process.stderr.write;
  process.stdout.write = ((chunk: string) => ((out += chunk), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => ((err += chunk), true)) as typeof process.stderr.write;
  try {
    return { code: await fn(argv), out, err };
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeErr;
  }
}

function fixtureDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pushbench-compare-'));
  const p50 = [10, 10.3, 9.9, 10.1, 10.2];
  writeFileSync(path.join(dir, 'base.json'), JSON.stringify(resultsFile(latencySeries('sse', p50), 'quick')));
  writeFileSync(path.join(dir, 'same.json'), JSON.stringify(resultsFile(latencySeries('sse', [...p50].reverse()), 'quick')));
  writeFileSync(path.join(dir, 'slow.json'), JSON.stringify(resultsFile(latencySeries('sse', p50.map((v) => v * 2)), 'quick')));
  return dir;
}

async function rejects(argv: string[], message: RegExp, fn = compareMain): Promise<void> {
  await assert.rejects(run(fn, argv), (err: unknown) => err instanceof UsageError && err.exitCode === 2 && message.test(err.message));
}

test('exit codes: 0 for A/A, 1 for a regression; --json and --markdown are written', async () => {
  const dir = fixtureDir();
  try {
    const aa = await run(compareMain, [path.join(dir, 'base.json'), path.join(dir, 'same.json')]);
    assert.equal(aa.code, 0);
    assert.match(aa.out, /verdict: no regression, 0 improvement, 12 unchanged/);
    const md = path.join(dir, 'out', 'verdict.md');
    const json = path.join(dir, 'out', 'verdict.json');
    const slow = await run(compareMain, [path.join(dir, 'base.json'), path.join(dir, 'slow.json'), '--markdown', md, '--json', json]);
    assert.equal(slow.code, 1);
    assert.match(readFileSync(md, 'utf8'), /^### pushbench compare: ❌ 1 failing/);
    const parsed = JSON.parse(readFileSync(json, 'utf8'));
    assert.equal(parsed.kind, 'comparison');
    assert.equal(parsed.summary.exitCode, 1);
    // No temporary files left next to the outputs.
    assert.deepEqual(readdirSync(path.join(dir, 'out')).sort(), ['verdict.json', 'verdict.md']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('flags change the verdict: a 200% threshold, --disable, --exact-only', async () => {
  const dir = fixtureDir();
  try {
    const args = [path.join(dir, 'base.json'), path.join(dir, 'slow.json')];
    assert.equal((await run(compareMain, [...args, '--threshold', 'latencyMs.p50=200'])).code, 0);
    assert.equal((await run(compareMain, [...args, '--disable', 'latencyMs.p50'])).code, 0);
    assert.equal((await run(compareMain, [...args, '--exact-only'])).code, 0);
    writeFileSync(path.join(dir, 'policy.json'), JSON.stringify({ metrics: { 'latencyMs.p50': { enabled: false } } }));
    assert.equal((await run(compareMain, [...args, '--policy', path.join(dir, 'policy.json')])).code, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('usage and input errors are UsageError (exit 2) with one line saying what to do', async () => {
  const dir = fixtureDir();
  try {
    const base = path.join(dir, 'base.json');
    await rejects([base], /exactly two arguments/);
    await rejects([base, path.join(dir, 'nope.json')], /cannot read .*nope.json \(ENOENT\)/);
    await rejects([base, base, '--frobnicate'], /unknown flag --frobnicate/);
    await rejects([base, base, '--alpha', '7'], /"alpha" must be a number between 0 and 1/);
    await rejects([base, base, '--threshold', 'nope=3'], /unknown metric "nope"/);
    writeFileSync(path.join(dir, 'broken.json'), '{"tool": "pushbench", ');
    await rejects([base, path.join(dir, 'broken.json')], /is not valid JSON/);
    writeFileSync(path.join(dir, 'other.json'), '{"hello": 1}');
    await rejects([base, path.join(dir, 'other.json')], /is not a pushbench file/);
    await rejects([path.join(dir, 'nodir'), base], /cannot find baseline/);
    const empty = path.join(dir, 'empty');
    mkdirSync(empty);
    await rejects([empty, base], /no baseline for scenario "quick" in .*pushbench baseline save/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('baseline save names the file by scenario, and compare picks it from the directory', async () => {
  const dir = fixtureDir();
  try {
    const baselines = path.join(dir, 'baselines');
    const saved = await run(baselineMain, ['save', path.join(dir, 'base.json'), '--dir', baselines]);
    assert.equal(saved.code, 0);
    assert.equal(saved.out, `saved ${path.join(baselines, 'quick.json')} (scenario quick, 5 repeats)\n`);
    assert.equal(saved.err, '');
    // Another scenario's baseline in the same directory must not be picked.
    writeFileSync(path.join(baselines, 'other.json'), JSON.stringify(resultsFile(latencySeries('sse', [1, 1, 1, 1, 1]), 'other')));
    const picked = await run(compareMain, [baselines, path.join(dir, 'slow.json')]);
    assert.equal(picked.code, 1);
    assert.match(picked.out, new RegExp(`baseline:  ${path.join(baselines, 'quick.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    const named = await run(baselineMain, ['save', path.join(dir, 'base.json'), '--dir', baselines, '--name', 'ci-smoke']);
    assert.match(named.out, /ci-smoke.json/);
    await rejects(['save', path.join(dir, 'base.json'), '--name', '../x'], /must be letters, digits/, baselineMain);
    await rejects(['load', 'x'], /usage: pushbench baseline save/, baselineMain);
    const single = path.join(dir, 'single.json');
    writeFileSync(single, JSON.stringify(resultsFile(latencySeries('sse', [1]), 'single')));
    const warned = await run(baselineMain, ['save', single, '--dir', baselines]);
    assert.match(warned.err, /only exact metrics can be judged; record with --repeat 5/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--repeats K keeps the first K repeats: 3 are insufficient, 5 decide', async () => {
  const dir = fixtureDir();
  try {
    const args = [path.join(dir, 'base.json'), path.join(dir, 'slow.json')];
    const three = await run(compareMain, [...args, '--repeats', '3']);
    assert.equal(three.code, 0);
    assert.match(three.out, /insufficient samples/);
    assert.match(three.out, /n=3/);
    assert.equal((await run(compareMain, [...args, '--repeats', '5'])).code, 1);
    await rejects([...args, '--repeats', '0'], /--repeats must be a positive integer/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a baseline directory holds a smoke and a full baseline of one scenario: the one with the same settings is used', async () => {
  const dir = fixtureDir();
  try {
    const baselines = path.join(dir, 'baselines');
    mkdirSync(baselines);
    const smoke = resultsFile(latencySeries('sse', [1, 1, 1, 1, 1]).map((r) => ({ ...r, clients: 3 })), 'quick', '2026-02-01T00:00:00.000Z');
    writeFileSync(path.join(baselines, 'ci-smoke.json'), JSON.stringify(smoke));
    await rejects([baselines, path.join(dir, 'slow.json')], /no baseline in .* was measured with the candidate's settings \(scenario "quick": ci-smoke.json differ\)/);
    const allowed = await run(compareMain, [baselines, path.join(dir, 'slow.json'), '--allow-missing-baseline', '--markdown', path.join(dir, 'v.md')]);
    assert.equal(allowed.code, 0);
    assert.match(allowed.out, /^pushbench compare: nothing compared: no baseline in /);
    assert.match(readFileSync(path.join(dir, 'v.md'), 'utf8'), /^### pushbench compare: ➖ no baseline yet/);
    // The newer smoke baseline does not shadow the full one once that exists.
    await run(baselineMain, ['save', path.join(dir, 'base.json'), '--dir', baselines]);
    const picked = await run(compareMain, [baselines, path.join(dir, 'same.json')]);
    assert.equal(picked.code, 0);
    assert.match(picked.out, /quick\.json/);
    // A file given explicitly is still checked: its settings must match.
    await rejects([path.join(baselines, 'ci-smoke.json'), path.join(dir, 'same.json')], /sse was measured with different settings/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('comma-separated files on a side are pooled, repeats renumbered; mixed settings are refused', async () => {
  const dir = fixtureDir();
  try {
    // Alternating single-repeat recordings, A B A B ...: 5 per side pool into 5 repeats each.
    const a: string[] = [];
    const b: string[] = [];
    for (let i = 0; i < 5; i++) {
      a.push(path.join(dir, `a${i}.json`));
      b.push(path.join(dir, `b${i}.json`));
      writeFileSync(a[i]!, JSON.stringify(resultsFile(latencySeries('sse', [10 + i * 0.1]), 'quick')));
      writeFileSync(b[i]!, JSON.stringify(resultsFile(latencySeries('sse', [20 + i * 0.1]), 'quick')));
    }
    const json = path.join(dir, 'pooled.json');
    const out = await run(compareMain, [a.join(','), b.join(','), '--json', json]);
    assert.equal(out.code, 1);
    const parsed = JSON.parse(readFileSync(json, 'utf8'));
    const p50 = parsed.comparisons.find((r: { metric: string }) => r.metric === 'latencyMs.p50');
    assert.deepEqual(p50.baseline.values, [10, 10.1, 10.2, 10.3, 10.4]);
    assert.equal(p50.verdict, 'regression');
    const other = path.join(dir, 'other-settings.json');
    writeFileSync(other, JSON.stringify(resultsFile(latencySeries('sse', [1]).map((r) => ({ ...r, rate: 2 })), 'quick')));
    await rejects([`${a[0]},${other}`, b[0]!], /cannot merge .*other-settings.json with .*a0.json: sse was measured with different settings/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
