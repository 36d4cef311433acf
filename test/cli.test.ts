/** The command line's promises: one-line errors with the right exit code, and nothing left behind. */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { distHarnessDir } from '../harness/paths.js';

const CLI = path.join(distHarnessDir, 'cli.js');

function cli(args: string[], shellPrefix = ''): { code: number | null; stdout: string; stderr: string } {
  const r = shellPrefix
    ? spawnSync('/bin/sh', ['-c', `${shellPrefix} exec "${process.execPath}" "${CLI}" ${args.map((a) => `'${a}'`).join(' ')}`], { encoding: 'utf8', timeout: 60_000 })
    : spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function assertOneLineError(r: ReturnType<typeof cli>, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, `exit code (stderr: ${r.stderr})`);
  // Progress lines may come first; the error is the last line, alone, and said once.
  const lines = r.stderr.trim().split('\n');
  const last = lines[lines.length - 1]!;
  assert.match(last, /^pushbench: /);
  assert.match(last, pattern);
  assert.equal(lines.filter((l) => pattern.test(l)).length, 1, `said once: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

test('unknown scenario, transport, flag: exit 2 with what is wrong and what exists', () => {
  assertOneLineError(cli(['run', 'nope']), 2, /unknown scenario "nope"; available: .*quick/);
  assertOneLineError(cli(['run', 'quick', '--transports', 'sse,carrier-pigeon']), 2, /unknown transport "carrier-pigeon"; choose from: short-polling/);
  assertOneLineError(cli(['run', 'quick', '--bogus']), 2, /unknown flag --bogus/);
  assertOneLineError(cli(['frobnicate']), 2, /unknown command "frobnicate"/);
  assertOneLineError(cli(['run']), 2, /name a scenario/);
});

test('malformed and out-of-range values: exit 2 naming the flag and the range', () => {
  assertOneLineError(cli(['run', 'quick', '--clients', 'many']), 2, /--clients must be a whole number from 1 to 1000000, got "many"/);
  assertOneLineError(cli(['run', 'quick', '--clients', '0']), 2, /--clients must be/);
  assertOneLineError(cli(['run', 'quick', '--rate', '-1']), 2, /--rate must be a number above 0/);
  assertOneLineError(cli(['run', 'quick', '--payload', '8']), 2, /--payload must be a whole number from 16/);
  assertOneLineError(cli(['run', 'quick', '--duration']), 2, /--duration needs a value/);
  assertOneLineError(cli(['run', 'quick', '--host', '10.0.0.1']), 2, /--host must be a loopback address/);
  assertOneLineError(cli(['run', 'quick', '--profile', 'nope']), 2, /unknown header profile "nope"/);
  assertOneLineError(cli(['run', 'quick', '--duration', '3', '--warmup', '3']), 2, /--warmup 3 leaves nothing of --duration 3 to measure/);
  assertOneLineError(cli(['run', 'quick', '--warmup', '-1']), 2, /--warmup must be/);
});

test('a port in use: exit 3, says so and how to fix it, no results file', async () => {
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const port = (blocker.address() as net.AddressInfo).port;
  const out = mkdtempSync(path.join(os.tmpdir(), 'pb-cli-'));
  try {
    const r = cli(['run', 'quick', '--transports', 'websocket', '--clients', '5', '--duration', '1', '--port', String(port), '--out', out, '--no-report']);
    assertOneLineError(r, 3, new RegExp(`port ${port} on 127.0.0.1 is already in use; free it or choose another with --port`));
    assert.deepEqual(readdirSync(out), []);
  } finally {
    blocker.close();
  }
});

test('an open-files limit too low for the clients: exit 3 naming the ulimit, before anything starts', () => {
  // 1,000 clients at this limit get a plan of several server processes; a million need more processes than allowed.
  const r = cli(['run', 'quick', '--clients', '1000000'], 'ulimit -n 256 &&');
  assertOneLineError(r, 3, /1000000 clients need 6536 server processes at an open-files limit of 256 \(at most 64\); raise it \(ulimit -n 19596\) or ask for at most 9792 clients/);
});

function childrenOf(pid: number): number[] {
  const ps = spawnSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' }).stdout;
  return ps
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number))
    .filter(([, ppid]) => ppid === pid)
    .map(([p]) => p!);
}

test('Ctrl-C during a run: exit 130, every child process gone, no results file', async () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'pb-int-'));
  const child = spawn(process.execPath, [CLI, 'run', 'quick', '--transports', 'sse', '--clients', '20', '--duration', '30', '--out', out, '--no-report'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`never reached publishing: ${stderr}`)), 30_000);
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes('publishing')) {
        clearTimeout(t);
        resolve();
      }
    });
  });
  const kids = childrenOf(child.pid!);
  assert.ok(kids.length >= 2, `a server and a worker were running (${kids.length})`);
  child.kill('SIGINT');
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  assert.equal(code, 130);
  assert.match(stderr, /interrupted/);
  await new Promise((r) => setTimeout(r, 300));
  // A process that is gone, or a zombie waiting for an init that does not reap, runs nothing.
  const alive = kids.filter((p) => {
    try {
      return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${p}/stat`, 'utf8'));
    } catch {
      return false;
    }
  });
  assert.deepEqual(alive, [], 'no child process left behind');
  assert.deepEqual(readdirSync(out), [], 'no results file, not even a partial one');
});
