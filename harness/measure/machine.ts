/**
 * The whole machine, second by second: on 2 cores the load generator and the server share the CPU, so a per-process
 * average over the window can look idle while the machine is full. Reads Linux's /proc (nothing elsewhere): the
 * machine's CPU counters (/proc/stat, steal included) and every pushbench process's own (/proc/PID/stat, a server's
 * cluster workers found as its children).
 */
import { readFileSync } from 'node:fs';
import type { MachineStats } from '../../results/types.js';

/** Linux reports process and machine CPU in USER_HZ ticks, 100 per second on every mainstream architecture. */
const TICKS_PER_S = 100;
/** A core at least this busy is full; a machine whose cores are is saturated, and so is a worker at this share of one core. */
export const SATURATED_SHARE = 0.9;

export interface MachineTimes {
  /** user + nice + system + irq + softirq (guest time is inside user and nice). */
  busy: number;
  steal: number;
  total: number;
}

/** The machine's CPU counters in ticks, or null where /proc/stat does not exist. */
export function machineTimes(): MachineTimes | null {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
    if (f.length < 8 || f.some((n) => !Number.isFinite(n))) return null;
    const [user, nice, system, idle, iowait, irq, softirq, steal] = f as [number, number, number, number, number, number, number, number];
    return { busy: user + nice + system + irq + softirq, steal, total: user + nice + system + idle + iowait + irq + softirq + steal };
  } catch {
    return null;
  }
}

/** CPU ticks (user + system) of a process and, recursively, its children; 0 for one that is gone. */
export function processTreeTicks(pid: number, depth = 0): number {
  let ticks = 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after its closing parenthesis.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(f[11]) + Number(f[12]);
  } catch {
    return 0;
  }
  if (depth < 2) {
    try {
      for (const child of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) {
        ticks += processTreeTicks(Number(child), depth + 1);
      }
    } catch {
      /* no children file: this process alone */
    }
  }
  return ticks;
}

/** One second's readings. */
export interface MachineSample {
  atMs: number;
  machine: MachineTimes | null;
  serverTicks: number;
  workerTicks: number[];
}

/** Samples the machine and the run's processes once a second between `start` and `stop`. */
export class MachineSampler {
  private readonly samples: MachineSample[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly serverPid: number,
    private readonly workerPids: number[],
  ) {}

  private take(): void {
    this.samples.push({
      atMs: Date.now(),
      machine: machineTimes(),
      serverTicks: processTreeTicks(this.serverPid),
      workerTicks: this.workerPids.map((p) => processTreeTicks(p, 2)),
    });
  }

  start(): void {
    this.take();
    this.timer = setInterval(() => this.take(), 1000);
    this.timer.unref();
  }

  stop(): MachineSample[] {
    if (this.timer) clearInterval(this.timer);
    this.take();
    return this.samples;
  }
}

const r = (n: number, d = 2): number => Math.round(n * 10 ** d) / 10 ** d;
const avg = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/** Per-interval figures from consecutive samples. Exported for tests. */
export function perSecond(samples: MachineSample[]): {
  busyShare: number[];
  stealTicks: number;
  busyTicks: number;
  totalTicks: number;
  serverCores: number[];
  clientCores: number[];
  workerShares: number[][];
} {
  const out = { busyShare: [] as number[], stealTicks: 0, busyTicks: 0, totalTicks: 0, serverCores: [] as number[], clientCores: [] as number[], workerShares: [] as number[][] };
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]!;
    const b = samples[i]!;
    const dtS = (b.atMs - a.atMs) / 1000;
    if (dtS <= 0.2) continue;
    if (a.machine && b.machine && b.machine.total > a.machine.total) {
      const total = b.machine.total - a.machine.total;
      const busy = b.machine.busy - a.machine.busy;
      const steal = b.machine.steal - a.machine.steal;
      out.busyShare.push(r((busy + steal) / total, 3));
      out.busyTicks += busy;
      out.stealTicks += steal;
      out.totalTicks += total;
    }
    const cores = (d: number): number => Math.max(0, d) / TICKS_PER_S / dtS;
    out.serverCores.push(r(cores(b.serverTicks - a.serverTicks)));
    const shares = b.workerTicks.map((t, k) => cores(t - (a.workerTicks[k] ?? 0)));
    out.workerShares.push(shares.map((x) => r(x, 3)));
    out.clientCores.push(r(shares.reduce((x, y) => x + y, 0)));
  }
  return out;
}

/**
 * The machine's verdict: saturated when its cores were at least 90% busy (steal counted as busy: those cycles were
 * not ours to use) in more than half of the window's seconds; which side used what, on average.
 */
export function judgeMachine(samples: MachineSample[], cores: number): MachineStats | null {
  const p = perSecond(samples);
  if (p.totalTicks === 0) return null;
  const full = p.busyShare.filter((s) => s >= SATURATED_SHARE).length;
  const saturated = p.busyShare.length > 0 && full > p.busyShare.length / 2;
  const server = avg(p.serverCores);
  const clients = avg(p.clientCores);
  const busyCores = avg(p.busyShare) * cores;
  const other = Math.max(0, busyCores - server - clients);
  return {
    stealShare: r(p.stealTicks / p.totalTicks, 4),
    stealOfBusyShare: p.busyTicks + p.stealTicks > 0 ? r(p.stealTicks / (p.busyTicks + p.stealTicks), 4) : 0,
    cores,
    perSecond: { busyShare: p.busyShare, serverCores: p.serverCores, clientCores: p.clientCores },
    saturated,
    saturationReason: saturated
      ? `the ${cores} cores were at least ${Math.round(SATURATED_SHARE * 100)}% busy in ${full} of ${p.busyShare.length} s ` +
        `(server ${r(server, 1)} cores, clients ${r(clients, 1)}, everything else ${r(other, 1)}, on average)`
      : null,
    serverCores: r(server),
    clientCores: r(clients),
    otherCores: r(other),
  };
}

/**
 * Client-worker saturation second by second: a worker at 90% of a core or more in at least a quarter of the window's
 * seconds (and at least 2) kept time badly for that long, even when its average over the window looks fine.
 */
export function busiestWorkerSeconds(workerShares: number[][]): { worker: number; seconds: number; of: number; peak: number } | null {
  if (workerShares.length === 0) return null;
  const n = workerShares[0]!.length;
  let best: { worker: number; seconds: number; of: number; peak: number } | null = null;
  for (let k = 0; k < n; k++) {
    const series = workerShares.map((s) => s[k] ?? 0);
    const seconds = series.filter((x) => x >= SATURATED_SHARE).length;
    const peak = Math.max(...series);
    if (!best || seconds > best.seconds) best = { worker: k, seconds, of: series.length, peak };
  }
  return best;
}

export function workerSaturated(b: { seconds: number; of: number } | null): boolean {
  return !!b && b.seconds >= Math.max(2, Math.ceil(b.of / 4));
}
