/** The machine a run happened on, recorded in every results file so runs can be compared and re-rendered later. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packageRoot } from '../paths.js';
import type { Limits } from '../run/plan.js';
import type { Environment } from '../../results/types.js';

export function openFilesLimit(): number | null {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    if (soft) return soft === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(soft);
  } catch {
    /* not Linux: ask the shell */
  }
  try {
    const out = execFileSync('/bin/sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
    return out === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(out);
  } catch {
    return null;
  }
}

export function ephemeralPorts(): number {
  try {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return hi! - lo! + 1;
  } catch {
    return 16_384; // the IANA dynamic range, what macOS and Windows use
  }
}

export function machineLimits(): Limits {
  return {
    openFiles: openFilesLimit() ?? 1024,
    ephemeralPorts: ephemeralPorts(),
    cpus: os.availableParallelism?.() ?? os.cpus().length,
    wholeLoopbackNet: process.platform === 'linux',
    memoryBytes: os.totalmem(),
  };
}

/** What was checked out where a run was started: the commit, and whether tracked files differed from it. */
export interface GitState {
  commit: string | null;
  dirty: boolean | null;
}

/**
 * The git state of `dir` (null and null outside a git work tree, or without git). Untracked files do not count as
 * dirty: results files and reports land in the work tree during runs and change nothing that was measured.
 */
export function gitState(dir: string): GitState {
  const git = (args: string[]): string =>
    execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
  try {
    const commit = git(['rev-parse', '--verify', 'HEAD']).trim();
    const dirty = git(['status', '--porcelain', '--untracked-files=no']).trim() !== '';
    return { commit, dirty };
  } catch {
    return { commit: null, dirty: null };
  }
}

/**
 * Read once, when this module loads: every command that writes results imports it before its run begins, so a
 * commit or an edit made during a long run (a capacity search takes half an hour) cannot change what the results
 * say was measured. From the directory the command was started in, not pushbench's own folder: installed as a
 * dependency, the package folder is not the project being measured.
 */
const gitAtStart: GitState = gitState(process.cwd());
/** The command line, from the same moment: `pushbench …` through the CLI, `node SCRIPT …` otherwise (micro-benchmarks). */
const commandAtStart = (() => {
  const script = process.argv[1] ?? '';
  const name = /(^|[\\/])(cli\.js|pushbench)$/.test(script) ? 'pushbench' : `node ${path.relative(process.cwd(), script) || script}`;
  return [name, ...process.argv.slice(2)].join(' ');
})();

export function pushbenchVersion(): string {
  try {
    return JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')).version as string;
  } catch {
    return 'unknown';
  }
}

export function environment(): Environment {
  const cpus = os.cpus();
  return {
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    arch: process.arch,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpuCount: cpus.length,
    totalMemoryBytes: os.totalmem(),
    openFilesLimit: openFilesLimit(),
    commit: gitAtStart.commit,
    dirty: gitAtStart.dirty,
    command: commandAtStart,
    pushbenchVersion: pushbenchVersion(),
  };
}

/** Whole-machine CPU counters from /proc/stat (ticks): all time, and what the hypervisor took (steal). */
export interface CpuTicks {
  total: number;
  steal: number;
}

/** The machine's CPU counters now, or null where /proc/stat does not exist (not Linux). */
export function cpuTicks(): CpuTicks | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal [guest guest_nice, already inside user and nice]
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    return Number.isFinite(total) && fields.length >= 8 ? { total, steal: fields[7]! } : null;
  } catch {
    return null;
  }
}

/**
 * The share of the machine's CPU time a hypervisor gave to others between two readings (0 to 1): on a shared
 * virtual machine a run can lose seconds of CPU it never saw, which reads as a slow run. Null when unknown.
 */
export function stealShare(before: CpuTicks | null, after: CpuTicks | null): number | null {
  if (!before || !after || after.total <= before.total) return null;
  return Math.max(0, (after.steal - before.steal) / (after.total - before.total));
}
