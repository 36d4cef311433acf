/**
 * The CI gate's dry run (ci/bench-gate.sh), with a local bare repository standing in for the data branch: a first
 * run passes and says so, main's pushes accumulate history and a baseline, pull requests are compared with it, a
 * missing baseline after history exists fails, and the site is built from the whole history.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { packageRoot } from '../harness/paths.js';

const SCRIPT = path.join(packageRoot, 'ci', 'bench-gate.sh');
const FIXTURE = path.join(packageRoot, 'test', 'fixtures', 'results-quick-small.json');
const PUSHBENCH = `${process.execPath} ${path.join(packageRoot, 'dist', 'harness', 'cli.js')}`;

function gate(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('bash', [SCRIPT, ...args], { cwd, encoding: 'utf8', env: { ...process.env, PUSHBENCH, GIT_TERMINAL_PROMPT: '0' }, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function git(args: string[], cwd: string): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

test('bench gate: first run passes and says so; history accumulates; a missing baseline then fails; the site covers the history', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pushbench-gate-'));
  try {
    const remote = path.join(dir, 'remote.git');
    git(['init', '--bare', '--quiet', remote], dir);

    // A pull request before main ever recorded: passes, and the comment says why.
    const first = gate(['fetch', remote, 'data1'], dir);
    assert.equal(first.code, 0, first.stderr);
    const pr1 = gate(['gate', 'data1', FIXTURE, 'out1'], dir);
    assert.equal(pr1.code, 0, pr1.stderr);
    const comment1 = readFileSync(path.join(dir, 'out1', 'comment.md'), 'utf8');
    assert.match(comment1, /^<!-- pushbench-compare -->\n### pushbench compare: ➖ first run, not gated\n/);

    // Two pushes to main: each adds to history; the baseline is the newest.
    const slower = JSON.parse(readFileSync(FIXTURE, 'utf8'));
    const second = path.join(dir, 'second.json');
    writeFileSync(second, JSON.stringify(slower));
    assert.equal(gate(['record', 'data1', FIXTURE, 'a'.repeat(40)], dir).code, 0);
    assert.equal(gate(['fetch', remote, 'data2'], dir).code, 0);
    const rec2 = gate(['record', 'data2', second, 'b'.repeat(40)], dir);
    assert.equal(rec2.code, 0, rec2.stderr);
    const tree = git(['ls-tree', '-r', '--name-only', 'bench-data'], remote).trim().split('\n').sort();
    assert.equal(tree.filter((f) => f.startsWith('history/quick-')).length, 2, `two history entries: ${tree.join(' ')}`);
    assert.ok(tree.includes('baselines/quick.json'));
    assert.equal(git(['rev-list', '--count', 'bench-data'], remote).trim(), '2');

    // A pull request now is compared with that baseline.
    assert.equal(gate(['fetch', remote, 'data3'], dir).code, 0);
    const pr2 = gate(['gate', 'data3', FIXTURE, 'out2'], dir);
    assert.equal(pr2.code, 0, pr2.stderr);
    const comment2 = readFileSync(path.join(dir, 'out2', 'comment.md'), 'utf8');
    assert.match(comment2, /^<!-- pushbench-compare -->\nCompared with main's baseline for scenario `quick` from the `bench-data` branch \(2 runs recorded\)\./);
    assert.ok(existsSync(path.join(dir, 'out2', 'verdict.json')));

    // History exists but no baseline for the candidate's scenario: fail, never pass by forgetting.
    const renamed = path.join(dir, 'renamed.json');
    writeFileSync(renamed, JSON.stringify({ ...slower, scenario: 'renamed' }));
    const pr3 = gate(['gate', 'data3', renamed, 'out3'], dir);
    assert.equal(pr3.code, 2);
    assert.match(readFileSync(path.join(dir, 'out3', 'comment.md'), 'utf8'), /❌ no baseline for scenario `renamed`[\s\S]*recorded 2 runs of main[\s\S]*baselines: quick\)/);
    // Likewise when main's baseline file itself went missing.
    rmSync(path.join(dir, 'data3', 'baselines', 'quick.json'));
    assert.equal(gate(['gate', 'data3', FIXTURE, 'out4'], dir).code, 2);

    // The site is built from every recorded run.
    const site = gate(['site', 'data3', 'site'], dir);
    assert.equal(site.code, 0, site.stderr);
    assert.match(site.stderr, /site of the committed results and 2 recorded runs/);
    const siteFiles = readdirSync(path.join(dir, 'site'));
    assert.ok(siteFiles.includes('index.html') && siteFiles.includes('.nojekyll'), 'a GitHub Pages site');
    const index = readFileSync(path.join(dir, 'site', 'index.html'), 'utf8');
    assert.ok(/a{12}|aaaaaaaa/.test(readdirSync(path.join(dir, 'data3', 'history')).join(' ')), 'history files carry the commit');
    assert.match(index, /quick/);
    // The pull request's comparison page is kept beside the verdict.
    assert.ok(existsSync(path.join(dir, 'out2', 'html', 'index.html')));

    // Refusals: an unreadable remote is not a first run, and a bad SHA is refused.
    const bad = gate(['fetch', path.join(dir, 'no-such.git'), 'data4'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /cannot read/);
    assert.equal(gate(['record', 'data3', FIXTURE, 'not-a-sha'], dir).code, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the workflow runs the gate script, keeps no baseline in the cache, cancels only pull requests, tests Node 20, 22, 24', () => {
  const wf = readFileSync(path.join(packageRoot, '.github', 'workflows', 'bench.yml'), 'utf8');
  assert.match(wf, /ci\/bench-gate\.sh gate bench-data candidate\.json verdict/);
  assert.match(wf, /ci\/bench-gate\.sh record bench-data main\.json "\$GITHUB_SHA"/);
  assert.match(wf, /ci\/bench-gate\.sh site bench-data site/);
  assert.doesNotMatch(wf, /docs\/results\/ci/, 'the history comes from bench-data, not from copies into the checkout');
  assert.doesNotMatch(wf, /actions\/cache|--allow-missing-baseline/, 'no baseline that can expire or be skipped');
  assert.match(wf, /cancel-in-progress: \$\{\{ github\.event_name == 'pull_request' \}\}/);
  assert.match(wf, /node: \[20, 22, 24\]/);
  for (const old of ['checkout@v4', 'setup-node@v4', 'github-script@v7', 'upload-pages-artifact@v3', 'upload-artifact@v4']) {
    assert.ok(!wf.includes(`actions/${old}`), `actions/${old} runs on the retired Node 20 runtime`);
  }
});
