/** What a process costs: CPU over a window, resident memory, event-loop delay. Reported by every child. */
import { readFileSync, readdirSync } from 'node:fs';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { LoopDelayStats } from '../../results/types.js';

export interface ProcessCostSample {
  pid: number;
  /** CPU (user + system) since `startWindow()`. */
  cpuSeconds: number;
  /**
   * `cpuSeconds` split into user and kernel time (getrusage), and how often the process went to sleep and was woken
   * (voluntary context switches), since `startWindow()`; absent where the process is read from /proc (external servers).
   */
  userSeconds?: number;
  systemSeconds?: number;
  voluntaryContextSwitches?: number;
  /** Seconds since `startWindow()`. */
  wallSeconds: number;
  rssBytes: number;
  maxRssBytes: number;
  eventLoopDelay: LoopDelayStats;
}

let lastRss = 0;
/**
 * Resident set size, or the last one read when reading fails: Node reads it from /proc, which needs a descriptor,
 * and a process at its open-files limit (a cluster primary with a queue of accepted connections) would otherwise
 * throw from a timer and die.
 */
/** Resident memory after a full collection when the process runs with --expose-gc (the harness starts it so). */
export function settledRss(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return residentBytes();
}

export function residentBytes(): number {
  try {
    lastRss = process.memoryUsage.rss();
  } catch {
    /* EMFILE: keep the last reading */
  }
  return lastRss;
}

/**
 * The sampling timer's period; the histogram records whole periods, so this much is no delay at all. The timer wakes
 * an idle process every period, and a wake-up is not free: measured on AMD EPYC (2 cores, Node 20.20.2, 2026-12-02),
 * an otherwise idle Node process used 7.8 ms of CPU a second at 10 ms and 1.9 ms at 50 ms. At 10 ms that was about a
 * tenth of what a 10,000-client worker spends receiving 1 message/s each, so the instrument showed up in the CPU per
 * message it reports. 50 ms still sees every stall that the capacity diagnosis looks for (200 ms and up) at full
 * length, less at most one period.
 */
export const LOOP_RESOLUTION_MS = 50;

/**
 * The client workers' period. Their loop delay only backs up the per-second CPU samples in judging whether the load
 * generator kept up (a p99 of 200 ms or more), and a worker that falls behind lags for seconds, which a timer once a
 * second sees. At 50 ms its wake-ups would still cost about 1.9 ms of CPU a second, about 3% of what the bare receiver
 * of docs/results/floor-repeat5-2026-12-02.json spends on 10,000 messages a second (6.65 µs each); once a second,
 * 0.2 ms (an idle process with no timer: 0.1 ms).
 */
export const CLIENT_LOOP_RESOLUTION_MS = 1000;

/** Several processes' event-loop delays as one: the worst of each figure. */
export function worstLoopDelay(samples: readonly LoopDelayStats[]): LoopDelayStats {
  const resolutions = samples.map((s) => s.resolutionMs).filter((r): r is number => r !== undefined);
  return {
    p50Ms: Math.max(0, ...samples.map((s) => s.p50Ms)),
    p99Ms: Math.max(0, ...samples.map((s) => s.p99Ms)),
    maxMs: Math.max(0, ...samples.map((s) => s.maxMs)),
    ...(resolutions.length ? { resolutionMs: Math.max(...resolutions) } : {}),
  };
}

export class ProcessMeter {
  private cpuStart = process.cpuUsage();
  private switchesStart = process.resourceUsage().voluntaryContextSwitches;
  private wallStart = process.hrtime.bigint();
  private readonly loop: IntervalHistogram;

  /** `loopResolutionMs`: the event-loop delay timer's period (LOOP_RESOLUTION_MS unless given). */
  constructor(private readonly loopResolutionMs = LOOP_RESOLUTION_MS) {
    this.loop = monitorEventLoopDelay({ resolution: loopResolutionMs });
    this.loop.enable();
  }

  /** Event-loop figures frozen when the window closed (see `endWindow`). */
  private loopAtEnd: LoopDelayStats | null = null;

  /** Starts the measured window: CPU and event-loop delay count from here. */
  startWindow(): void {
    this.cpuStart = process.cpuUsage();
    this.switchesStart = process.resourceUsage().voluntaryContextSwitches;
    this.wallStart = process.hrtime.bigint();
    this.loop.reset();
    this.loopAtEnd = null;
  }

  /**
   * Closes the event-loop window: later samples report the delay seen from the first publish to the last, so a stall
   * after the last message (a host pause while the run drains, the teardown) is not reported as a stall that
   * delayed deliveries. CPU keeps counting until the snapshot, as the byte window does.
   */
  endWindow(): void {
    this.loopAtEnd = this.loopStats();
  }

  private loopStats(): LoopDelayStats {
    const ns = (v: number): number => Math.max(0, Math.round(v / 1e3 - this.loopResolutionMs * 1e3) / 1e3);
    return {
      p50Ms: this.loop.count ? ns(this.loop.percentile(50)) : 0,
      p99Ms: this.loop.count ? ns(this.loop.percentile(99)) : 0,
      maxMs: this.loop.count ? ns(this.loop.max) : 0,
      resolutionMs: this.loopResolutionMs,
    };
  }

  sample(): ProcessCostSample {
    const cpu = process.cpuUsage(this.cpuStart);
    const usage = process.resourceUsage();
    return {
      pid: process.pid,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      userSeconds: cpu.user / 1e6,
      systemSeconds: cpu.system / 1e6,
      voluntaryContextSwitches: usage.voluntaryContextSwitches - this.switchesStart,
      wallSeconds: Number(process.hrtime.bigint() - this.wallStart) / 1e9,
      rssBytes: residentBytes(),
      // maxRSS is in kilobytes (getrusage).
      maxRssBytes: usage.maxRSS * 1024,
      eventLoopDelay: this.loopAtEnd ?? this.loopStats(),
    };
  }
}

/**
 * The user/system split and the voluntary context switches of several samples added, or {} when any of them lacks
 * them (a process read from /proc): a partial sum would pass for the whole.
 */
export function addCpuSplit(parts: readonly ProcessCostSample[]): Pick<ProcessCostSample, 'userSeconds' | 'systemSeconds' | 'voluntaryContextSwitches'> {
  if (parts.length === 0 || parts.some((p) => p.userSeconds === undefined || p.systemSeconds === undefined || p.voluntaryContextSwitches === undefined)) return {};
  return {
    userSeconds: parts.reduce((a, p) => a + p.userSeconds!, 0),
    systemSeconds: parts.reduce((a, p) => a + p.systemSeconds!, 0),
    voluntaryContextSwitches: parts.reduce((a, p) => a + p.voluntaryContextSwitches!, 0),
  };
}

/** Clock ticks per second of /proc/PID/stat's utime and stime (USER_HZ: 100 on every Linux architecture Node runs on). */
const USER_HZ = 100;

/** CPU ticks (user + system) and resident / peak resident bytes of one process from /proc; null once it is gone. */
export function procUsage(pid: number): { ticks: number; rssBytes: number; peakRssBytes: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name (field 2) may hold spaces and parentheses: fields are counted after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { ticks, rssBytes: kb('VmRSS'), peakRssBytes: kb('VmHWM') };
  } catch {
    return null;
  }
}

/**
 * What a server that is not a Node process of ours costs (nginx, a user's server), measured from outside by PID:
 * CPU from /proc/PID/stat, memory from /proc/PID/status, added over every process `pids()` names at each sample.
 * Peak memory is each process's own peak (VmHWM) added. No event-loop delay: zeros.
 */
export class PidMeter {
  private start = new Map<number, number>();
  private wallStart = process.hrtime.bigint();

  constructor(private readonly pids: () => number[]) {}

  startWindow(): void {
    this.start = new Map();
    for (const pid of this.pids()) {
      const u = procUsage(pid);
      if (u) this.start.set(pid, u.ticks);
    }
    this.wallStart = process.hrtime.bigint();
  }

  sample(): ProcessCostSample {
    const pids = this.pids();
    let ticks = 0;
    let rssBytes = 0;
    let maxRssBytes = 0;
    for (const pid of pids) {
      const u = procUsage(pid);
      if (!u) continue;
      // A process that appeared after the window started counts from its own start.
      ticks += u.ticks - (this.start.get(pid) ?? 0);
      rssBytes += u.rssBytes;
      maxRssBytes += u.peakRssBytes;
    }
    return {
      pid: pids[0] ?? 0,
      cpuSeconds: Math.max(0, ticks) / USER_HZ,
      wallSeconds: Number(process.hrtime.bigint() - this.wallStart) / 1e9,
      rssBytes,
      maxRssBytes,
      eventLoopDelay: { p50Ms: 0, p99Ms: 0, maxMs: 0 },
    };
  }
}

/** Every process whose process group is `pgid` (a server started in a group of its own, workers included). */
export function processGroup(pgid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid) out.push(Number(name));
    } catch {
      /* gone meanwhile */
    }
  }
  return out.sort((a, b) => a - b);
}

/** `pid` and every process descended from it. */
export function processTree(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* gone meanwhile */
    }
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) for (const [child, ppid] of parent) if (ppid === out[i]) out.push(child);
  return out;
}
