/**
 * Regression tests of the robustness findings: output paths checked before a run, baseline names that would leave
 * their folder, injection through compare's Markdown and terminal output, results validated field by field,
 * sites moved into place whole, and a dashboard that cannot hold the CLI open.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { main as baselineMain } from '../harness/commands/baseline.js';
import { main as compareMain } from '../harness/commands/compare.js';
import { main as reportMain } from '../harness/commands/report.js';
import { main as runMain, saveResults } from '../harness/commands/run.js';
import { UsageError } from '../harness/errors.js';
import { distHarnessDir, packageRoot } from '../harness/paths.js';
import { startDashboard } from '../dashboards/server.js';
import { pendingTempCount, removePendingTemps, writeDirAtomic } from '../results/io.js';
import { readResults } from '../results/read.js';
import { ResultsInputError } from '../results/errors.js';
import { capture } from './capture.js';
import { completedRun, latencySeries, resultsFile } from './compare-fixtures.js';

const fixture = (name: string): string => path.join(packageRoot, 'test', 'fixtures', `results-${name}.json`);
/** Live child processes of the test process itself (from /proc). */
function childrenOfThisProcess(): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .filter((n) => {
      try {
        const stat = readFileSync(`/proc/${n}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return fields[0] !== 'Z' && Number(fields[1]) === process.pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'pb-robust-'));

function usage(r: { error: unknown }, pattern: RegExp): void {
  assert.ok(r.error instanceof UsageError, `expected a UsageError, got ${String(r.error)}`);
  assert.equal((r.error as UsageError).exitCode, 2);
  assert.match((r.error as Error).message, pattern);
  assert.ok(!(r.error as Error).message.includes('\n'), 'one line');
}

// 1. A finished run is lost to a bad output path.

test('run: --json naming a folder is refused before anything starts (exit 2, no child)', async () => {
  const dir = tmp();
  try {
    const r = await capture(runMain, ['quick', '--clients', '10', '--duration', '1', '--json', dir, '--no-report']);
    usage(r, /--json .* is a folder/);
    assert.deepEqual(childrenOfThisProcess(), [], 'no child process was started');
    assert.equal(r.out, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('run: --json under /proc is refused at once, exit 2 (it used to spin in mkdir after the run)', async () => {
  const child = spawn(process.execPath, [path.join(distHarnessDir, 'cli.js'), 'run', 'quick', '--clients', '10', '--duration', '1', '--json', '/proc/x/y.json', '--no-report'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  assert.equal(code, 2);
  assert.match(stderr, /^pushbench: cannot write --json \/proc\/x\/y\.json \(.*\); choose a writable path\n$/);
  assert.doesNotMatch(stderr, /plan|publishing/, 'nothing started');
});

test('run: --out that is a file is refused before anything starts', async () => {
  const dir = tmp();
  try {
    const file = path.join(dir, 'f');
    writeFileSync(file, 'x');
    usage(await capture(runMain, ['quick', '--out', path.join(file, 'sub'), '--no-report']), /cannot write --out .*\/sub/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a finished run whose results cannot be written goes to the temp folder, named, and the caller exits 3', () => {
  const notes: string[] = [];
  const results = resultsFile([completedRun('sse', 0)]);
  const file = saveResults(results, '/proc/x/y.json', { note: (t) => notes.push(t) });
  assert.equal(file, null);
  const m = /the results are in (\S+) instead/.exec(notes.join('\n'));
  assert.ok(m, notes.join('\n'));
  try {
    assert.ok(m[1]!.startsWith(os.tmpdir()));
    assert.equal(readResults(m[1]!).runs.length, 1);
  } finally {
    rmSync(m[1]!, { force: true });
  }
});

test('run: when the results folder is gone after the run, the table is printed, the file goes to the temp folder, exit 3', async () => {
  const dir = tmp();
  try {
    const sub = path.join(dir, 'sub');
    const child = spawn(process.execPath, [path.join(distHarnessDir, 'cli.js'), 'run', 'quick', '--transports', 'sse', '--clients', '10', '--duration', '2', '--json', path.join(sub, 'r.json'), '--no-report'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    let replaced = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!replaced && stderr.includes('sse: publishing')) {
        replaced = true;
        // The checked folder becomes a file while the run measures: writing must fail after the run.
        rmSync(sub, { recursive: true, force: true });
        writeFileSync(sub, 'in the way');
      }
    });
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    assert.equal(code, 3, stderr);
    assert.match(stdout, /^transport\s+protocol\s+clients/m, 'the table was printed');
    const m = /could not write .*r\.json \(.*\); the results are in (\S+) instead/.exec(stderr);
    assert.ok(m, stderr);
    try {
      assert.equal(readResults(m[1]!).runs[0]!.transport, 'sse');
    } finally {
      rmSync(m[1]!, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// 2. baseline save writes outside its folder.

test('baseline save: a scenario that is a path never becomes one', async () => {
  const dir = tmp();
  try {
    const evil = resultsFile(latencySeries('sse', [1]), '../../escaped');
    const src = path.join(dir, 'a', 'b', 'evil.json');
    mkdirSync(path.dirname(src), { recursive: true });
    writeFileSync(src, JSON.stringify(evil));
    const baselines = path.join(dir, 'a', 'b', 'baselines');
    usage(await capture(baselineMain, ['save', src, '--dir', baselines]), /scenario "\.\.\/\.\.\/escaped" cannot be a file name.*--name/);
    assert.equal(existsSync(path.join(dir, 'escaped.json')), false);
    assert.equal(existsSync(path.join(dir, 'a', 'escaped.json')), false);
    for (const name of ['..', '.hidden', 'a/b', 'x\u0000y']) usage(await capture(baselineMain, ['save', src, '--dir', baselines, '--name', name]), /must be letters, digits/);
    const ok = await capture(baselineMain, ['save', src, '--dir', baselines, '--name', 'fine']);
    assert.equal(ok.code, 0);
    assert.deepEqual(readdirSync(baselines), ['fine.json']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// 3. compare output can be injected.

test('compare: names from files are escaped in Markdown and stripped of control characters on the terminal', async () => {
  const dir = tmp();
  try {
    const transport = '</details><img src=x onerror=alert(1)>\n# pwned | x \u001b]0;title\u0007\u001b[31m';
    const runs = (p50: number[]) => latencySeries('sse', p50).map((r) => ({ ...r, transport })) as never;
    const base = resultsFile(runs([1, 1, 1, 1, 1]), 'sc\u001b[2Jenario<b>');
    const cand = resultsFile(runs([9, 9, 9, 9, 9]), 'sc\u001b[2Jenario<b>');
    writeFileSync(path.join(dir, 'b.json'), JSON.stringify(base));
    writeFileSync(path.join(dir, 'c.json'), JSON.stringify(cand));
    const md = path.join(dir, 'v.md');
    const r = await capture(compareMain, [path.join(dir, 'b.json'), path.join(dir, 'c.json'), '--markdown', md]);
    assert.equal(r.code, 1);
    const text = readFileSync(md, 'utf8');
    for (const markup of ['<img', '<b>', '</details><']) assert.equal(text.includes(markup), false, `no raw ${markup} from the file`);
    assert.equal((text.match(/<\/details>/g) ?? []).length, 1, 'the fold is closed once, by us');
    assert.equal(/[\u0000-\u0009\u000b-\u001f]/.test(text), false, 'no control characters');
    for (const line of text.split('\n').filter((l) => l.startsWith('| '))) assert.match(line, /\|$/, `a table row stays one row: ${line}`);
    assert.doesNotMatch(text, /^# pwned/m);
    assert.equal(/[\u0000-\u0009\u000b-\u001f\u007f]/.test(r.out), false, 'no escape sequences reach the terminal');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// 4. Results files are validated only at the top level.

test('a non-number in a metric is an input error naming the field, not "unchanged"', async () => {
  const dir = tmp();
  try {
    const base = resultsFile(latencySeries('sse', [1, 1, 1, 1, 1]), 'q');
    const cand = JSON.parse(JSON.stringify(base));
    cand.runs[2].messages.lost = 'lots';
    writeFileSync(path.join(dir, 'b.json'), JSON.stringify(base));
    writeFileSync(path.join(dir, 'c.json'), JSON.stringify(cand));
    usage(await capture(compareMain, [path.join(dir, 'b.json'), path.join(dir, 'c.json')]), /c\.json: runs\[2\]\.messages\.lost must be a whole number of at least 0, got "lots"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a candidate without a transport of the baseline is exit 2, unless --allow-missing', async () => {
  const dir = tmp();
  try {
    const base = resultsFile([...latencySeries('sse', [1, 1, 1, 1, 1]), ...latencySeries('websocket', [1, 1, 1, 1, 1])], 'q');
    const cand = resultsFile(latencySeries('sse', [1, 1, 1, 1, 1]), 'q');
    writeFileSync(path.join(dir, 'b.json'), JSON.stringify(base));
    writeFileSync(path.join(dir, 'c.json'), JSON.stringify(cand));
    const args = [path.join(dir, 'b.json'), path.join(dir, 'c.json')];
    usage(await capture(compareMain, args), /lacks "websocket", which the baseline has.*--allow-missing/);
    const allowed = await capture(compareMain, [...args, '--allow-missing']);
    assert.equal(allowed.code, 0);
    assert.match(allowed.out, /missing/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('report: a missing nested field is exit 2 naming file and field, and no site is written', async () => {
  const dir = tmp();
  try {
    const raw = JSON.parse(readFileSync(fixture('quick-small'), 'utf8'));
    delete raw.runs[1].latencyMs.p99;
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(raw));
    const out = path.join(dir, 'site');
    usage(await capture(reportMain, [fixture('quick'), bad, '--out', out]), /bad\.json: runs\[1\]\.latencyMs\.p99 must be a number/);
    assert.equal(existsSync(out), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('kaazing --render of a damaged study is one line naming the field (ResultsInputError, exit 2)', async () => {
  const { main } = await import('../harness/commands/kaazing.js');
  const dir = tmp();
  try {
    const f = path.join(dir, 'k.json');
    writeFileSync(f, JSON.stringify({ tool: 'pushbench', study: 'kaazing', version: 1, startedAt: 'a', finishedAt: 'b', command: 'pushbench kaazing' }));
    await assert.rejects(main(['--render', f, '--report', path.join(dir, 'k.md')]), (e: unknown) => e instanceof ResultsInputError && /k\.json: environment must be an object/.test(e.message));
    assert.equal(existsSync(path.join(dir, 'k.md')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a site is built aside and moved into place: a failure leaves the old folder as it was and no temp', async () => {
  const dir = tmp();
  try {
    const out = path.join(dir, 'site');
    mkdirSync(out);
    writeFileSync(path.join(out, 'index.html'), 'old');
    writeFileSync(path.join(out, 'keep.txt'), 'mine');
    await assert.rejects(
      writeDirAtomic(out, async (d) => {
        writeFileSync(path.join(d, 'index.html'), 'new');
        throw new Error('boom half-way');
      }),
      /boom/,
    );
    assert.equal(readFileSync(path.join(out, 'index.html'), 'utf8'), 'old');
    assert.deepEqual(readdirSync(dir), ['site']);
    await writeDirAtomic(out, async (d) => writeFileSync(path.join(d, 'index.html'), 'new'));
    assert.equal(readFileSync(path.join(out, 'index.html'), 'utf8'), 'new');
    assert.equal(readFileSync(path.join(out, 'keep.txt'), 'utf8'), 'mine', 'other files are kept');
    assert.deepEqual(readdirSync(dir), ['site']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an interrupt while a site is built (the signal handler removes pending temps) leaves no temp file', async () => {
  const dir = tmp();
  try {
    const out = path.join(dir, 'site');
    let building!: () => void;
    const inside = new Promise<void>((r) => (building = r));
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    const done = writeDirAtomic(out, async (d) => {
      writeFileSync(path.join(d, 'index.html'), 'x');
      building();
      await hold;
    });
    await inside;
    assert.ok(pendingTempCount() > 0);
    // What harness/cli.ts does on SIGINT before exiting.
    removePendingTemps();
    assert.deepEqual(readdirSync(dir), []);
    release();
    await done.catch(() => {});
    assert.equal(readdirSync(dir).some((n) => n.includes('.tmp-')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Ctrl-C during report leaves no temp files', async () => {
  const dir = tmp();
  try {
    for (const delayMs of [150, 250, 350]) {
      const out = path.join(dir, `site-${delayMs}`);
      const child = spawn(process.execPath, [path.join(distHarnessDir, 'cli.js'), 'report', fixture('quick'), fixture('quick-small'), fixture('quick'), '--out', out], {
        stdio: 'ignore',
      });
      setTimeout(() => child.kill('SIGINT'), delayMs);
      await new Promise((r) => child.once('exit', r));
      const leftovers = readdirSync(dir, { recursive: true }).map(String).filter((n) => n.includes('.tmp-'));
      assert.deepEqual(leftovers, [], `after SIGINT at ${delayMs} ms`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// 6. The dashboard can hold the CLI open.

test('dashboard close() does not wait for a half-sent request: the connection is closed', async () => {
  const d = await startDashboard({ port: 0 });
  const port = Number(new URL(d.url).port);
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((r) => socket.once('connect', () => r()));
  socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1');
  const socketClosed = new Promise<void>((r) => socket.once('close', () => r()));
  socket.on('error', () => {});
  await new Promise((r) => setTimeout(r, 100));
  await d.close();
  let closed = false;
  void socketClosed.then(() => (closed = true));
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(closed, true, 'the half-sent request no longer holds a connection');
});
