/**
 * A child that dies is noticed at once, whatever the run waits for: the transport run becomes `errored` with the
 * child's role, pid and signal, the results file keeps it, the command exits non-zero, and no process is left.
 * Each kind of child is killed for real: a client worker, a server process, an efficiency load generator.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { distHarnessDir } from '../harness/paths.js';

const CLI = path.join(distHarnessDir, 'cli.js');

interface Proc {
  pid: number;
  ppid: number;
  cmd: string;
}

function processes(): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue;
      out.push({ pid: Number(name), ppid: Number(fields[1]), cmd: readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ') });
    } catch {
      /* gone while we looked */
    }
  }
  return out;
}

/** Every live descendant of `pid`. */
function descendants(pid: number): Proc[] {
  const all = processes();
  const found: Proc[] = [];
  const walk = (p: number): void => {
    for (const c of all.filter((x) => x.ppid === p)) {
      found.push(c);
      walk(c.pid);
    }
  };
  walk(pid);
  return found;
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

interface Cli {
  child: ChildProcess;
  stderr: () => string;
  waitFor: (pattern: RegExp, what: string) => Promise<void>;
  exit: Promise<number | null>;
}

function cli(args: string[]): Cli {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const waiters: Array<() => void> = [];
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    for (const w of [...waiters]) w();
  });
  child.stdout!.resume();
  const exit = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  return {
    child,
    stderr: () => stderr,
    exit,
    waitFor: (pattern, what) =>
      new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`never saw ${what}: ${stderr}`)), 60_000);
        const check = (): void => {
          if (pattern.test(stderr)) {
            clearTimeout(t);
            waiters.splice(waiters.indexOf(check), 1);
            resolve();
          }
        };
        waiters.push(check);
        check();
      }),
  };
}

/** Polls until a descendant matching `pattern` exists. */
async function waitForChild(pid: number, pattern: RegExp): Promise<Proc> {
  for (let i = 0; i < 600; i++) {
    const p = descendants(pid).find((d) => pattern.test(d.cmd));
    if (p) return p;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no child matching ${pattern}`);
}

async function noneLeft(pids: number[]): Promise<void> {
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(pids.filter(alive), [], 'no process pushbench started is left behind');
}

test('a client worker killed while publishing: the run is errored at once with role, pid and signal, results kept, exit 1', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pb-death-'));
  try {
    const json = path.join(dir, 'r.json');
    const run = cli(['run', 'quick', '--transports', 'sse', '--clients', '20', '--duration', '60', '--json', json, '--no-report']);
    await run.waitFor(/sse: publishing/, 'publishing');
    const started = descendants(run.child.pid!).map((p) => p.pid);
    const worker = await waitForChild(run.child.pid!, /client-worker\.js/);
    process.kill(worker.pid, 'SIGKILL');
    assert.equal(await run.exit, 1);
    const results = JSON.parse(readFileSync(json, 'utf8'));
    assert.equal(results.kind, 'results');
    assert.equal(results.runs.length, 1);
    assert.equal(results.runs[0].state, 'errored');
    // The server was still publishing a 60 s window: only a wait that listens to every child ends it now.
    assert.match(results.runs[0].error, new RegExp(`^sse client worker 1 \\(pid ${worker.pid}\\) was killed by SIGKILL`));
    await noneLeft(started);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a server killed while the clients drain: errored with the server named, exit 1, nothing left', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pb-death-'));
  try {
    const json = path.join(dir, 'r.json');
    // Short polling every 20 s: the drain waits for the next poll, long enough to kill the server in it.
    const run = cli(['run', 'quick', '--transports', 'short-polling', '--clients', '10', '--duration', '1', '--interval-ms', '20000', '--json', json, '--no-report']);
    await run.waitFor(/short-polling: draining/, 'draining');
    const started = descendants(run.child.pid!).map((p) => p.pid);
    const server = await waitForChild(run.child.pid!, /server-process\.js/);
    process.kill(server.pid, 'SIGKILL');
    assert.equal(await run.exit, 1);
    const results = JSON.parse(readFileSync(json, 'utf8'));
    assert.equal(results.runs[0].state, 'errored');
    assert.match(results.runs[0].error, new RegExp(`^short-polling server \\(pid ${server.pid}\\) was killed by SIGKILL`));
    await noneLeft(started);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an efficiency load generator killed: recorded as efficiencyError, the search still runs, exit 1, nothing left', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pb-death-'));
  try {
    const json = path.join(dir, 'c.json');
    const run = cli(['capacity', '--transports', 'sse', '--start-clients', '10', '--min-clients', '10', '--max-clients', '10', '--duration', '1', '--warmup', '0', '--retries', '0', '--json', json]);
    const generator = await waitForChild(run.child.pid!, /efficiency\.js pushbench/);
    const started = descendants(run.child.pid!).map((p) => p.pid);
    process.kill(generator.pid, 'SIGKILL');
    assert.equal(await run.exit, 1);
    const results = JSON.parse(readFileSync(json, 'utf8'));
    assert.match(results.efficiencyError, new RegExp(`^pushbench load generator \\(efficiency\\) \\(pid ${generator.pid}\\) was killed by SIGKILL`));
    assert.equal(results.efficiency, undefined);
    assert.equal(results.capacity.transports.length, 1);
    await noneLeft(started);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Ctrl-C while the efficiency load generator runs stops it too', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pb-death-'));
  try {
    const run = cli(['capacity', '--transports', 'sse', '--max-clients', '10', '--start-clients', '10', '--min-clients', '10', '--json', path.join(dir, 'c.json')]);
    await waitForChild(run.child.pid!, /efficiency\.js pushbench/);
    const started = descendants(run.child.pid!).map((p) => p.pid);
    run.child.kill('SIGINT');
    assert.equal(await run.exit, 130);
    await noneLeft(started);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
