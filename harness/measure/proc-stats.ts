/** What a process costs: CPU over a window, resident memory, event-loop delay. Reported by every child. */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { LoopDelayStats } from '../../results/types.js';

export interface ProcessCostSample {
  pid: number;
  /** CPU (user + system) since `startWindow()`. */
  cpuSeconds: number;
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

/** The sampling timer's period; the histogram records whole periods, so this much is no delay at all. */
const LOOP_RESOLUTION_MS = 10;

export class ProcessMeter {
  private cpuStart = process.cpuUsage();
  private wallStart = process.hrtime.bigint();
  private readonly loop: IntervalHistogram = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });

  constructor() {
    this.loop.enable();
  }

  /** Event-loop figures frozen when the window closed (see `endWindow`). */
  private loopAtEnd: LoopDelayStats | null = null;

  /** Starts the measured window: CPU and event-loop delay count from here. */
  startWindow(): void {
    this.cpuStart = process.cpuUsage();
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
    const ns = (v: number): number => Math.max(0, Math.round(v / 1e3 - LOOP_RESOLUTION_MS * 1e3) / 1e3);
    return {
      p50Ms: this.loop.count ? ns(this.loop.percentile(50)) : 0,
      p99Ms: this.loop.count ? ns(this.loop.percentile(99)) : 0,
      maxMs: this.loop.count ? ns(this.loop.max) : 0,
    };
  }

  sample(): ProcessCostSample {
    const cpu = process.cpuUsage(this.cpuStart);
    return {
      pid: process.pid,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      wallSeconds: Number(process.hrtime.bigint() - this.wallStart) / 1e9,
      rssBytes: residentBytes(),
      // maxRSS is in kilobytes (getrusage).
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      eventLoopDelay: this.loopAtEnd ?? this.loopStats(),
    };
  }
}
