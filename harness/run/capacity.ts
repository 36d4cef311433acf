/**
 * Capacity search: the largest client count a transport sustains on this machine (or, at a fixed count, the largest
 * per-client message rate), by stepping then bisecting over a predicate (one real run per probe), and the diagnosis
 * of what ran out when a probe failed. The search is pure over its probe, so it is unit-tested against a synthetic
 * oracle.
 */
import type { CompletedTransportRun, TransportRun } from '../../results/types.js';

export interface SearchOptions {
  /** First value probed. */
  start: number;
  /** Never probe above this. */
  max: number;
  /** Never probe below this (stepping down when `start` already fails); above 0. */
  min: number;
  /** Multiplier between steps: probe k is round(start × factor^k), clamped to `max`. */
  factor: number;
  /** Stop bisecting when (firstFailed - maxPassed) / maxPassed is at most this. */
  precision: number;
  /**
   * Probe a failing value again up to this many times; it passes if any probe passes. A shared machine's
   * interference (a stall, another process) only ever makes a run slower, never faster, so the best of a few
   * probes is what the machine sustains. 0 or absent: every value is probed once.
   */
  retries?: number;
  /**
   * What a probed value is rounded to (steps and midpoints): whole client counts by default (Math.round); rates
   * use `significant(3)`. `start`, `min` and `max` are probed as given.
   */
  round?: (x: number) => number;
}

export interface Probe {
  ok: boolean;
}

export interface LimitResult<P extends Probe> {
  /** Largest passing value, 0 when none passed. */
  maxPassed: number;
  /** Smallest failing value above `maxPassed`; null when `max` passed. */
  firstFailed: number | null;
  /** Every probe in the order it ran. */
  steps: P[];
}

export interface SearchResult<P extends Probe> {
  /** Largest passing count, 0 when none passed. */
  maxClients: number;
  /** Smallest failing count above `maxClients`; null when `max` passed. */
  firstFailedClients: number | null;
  /** Every probe in the order it ran. */
  steps: P[];
}

/** Rounds to `digits` significant digits (1.4142 → 1.41, 0.031623 → 0.0316): readable probed rates. */
export const significant =
  (digits: number) =>
  (x: number): number =>
    x > 0 ? Number(x.toPrecision(digits)) : x;

/**
 * Steps geometrically from `start` (up while probes pass, down while they fail), then bisects between the largest
 * pass and the smallest failure until they are within `precision`. Assumes failure is monotone in the value; on a
 * noisy machine a non-monotone answer is kept as measured (the steps record it).
 */
export async function searchLimit<P extends Probe>(probe: (value: number) => Promise<P>, o: SearchOptions): Promise<LimitResult<P>> {
  if (!(o.factor > 1)) throw new RangeError(`factor must be above 1, got ${o.factor}`);
  if (!(o.min > 0 && o.min <= o.start && o.start <= o.max)) throw new RangeError(`need 0 < min <= start <= max, got ${o.min}, ${o.start}, ${o.max}`);
  const round = o.round ?? Math.round;
  const steps: P[] = [];
  // Stepping and bisection never ask for a value twice; only a retry probes one again.
  const run = async (value: number): Promise<P> => {
    let p = await probe(value);
    steps.push(p);
    for (let r = 0; !p.ok && r < (o.retries ?? 0); r++) {
      p = await probe(value);
      steps.push(p);
    }
    return p;
  };
  let lo = 0; // largest pass
  let hi: number | null = null; // smallest failure
  const first = await run(o.start);
  if (first.ok) {
    lo = o.start;
    for (let k = 1; lo < o.max; k++) {
      const n = Math.min(o.max, round(o.start * o.factor ** k));
      if (n <= lo) continue;
      if ((await run(n)).ok) lo = n;
      else {
        hi = n;
        break;
      }
    }
  } else {
    hi = o.start;
    for (let k = 1; hi > o.min; k++) {
      const n = Math.max(o.min, round(o.start / o.factor ** k));
      if (n >= hi) continue;
      if ((await run(n)).ok) {
        lo = n;
        break;
      }
      hi = n;
    }
  }
  while (hi !== null && lo > 0 && (hi - lo) / lo > o.precision) {
    const mid = round((lo + hi) / 2);
    if (mid <= lo || mid >= hi) break;
    if ((await run(mid)).ok) lo = mid;
    else hi = mid;
  }
  return { maxPassed: lo, firstFailed: hi, steps };
}

/** The search over whole client counts (`min` at least 1). */
export async function searchCapacity<P extends Probe>(probe: (clients: number) => Promise<P>, o: SearchOptions): Promise<SearchResult<P>> {
  if (!(o.min >= 1 && o.min <= o.start && o.start <= o.max)) throw new RangeError(`need 1 <= min <= start <= max, got ${o.min}, ${o.start}, ${o.max}`);
  const r = await searchLimit(probe, { ...o, round: Math.round });
  return { maxClients: r.maxPassed, firstFailedClients: r.firstFailed, steps: r.steps };
}

/** Readable probed rates: 3 significant digits (1, 2, 4 … 1.41, 0.0316). */
export const RATE_DIGITS = 3;

/** The search over a per-client message rate at a fixed client count (`min` above 0, values to 3 significant digits). */
export async function searchRate<P extends Probe>(probe: (rate: number) => Promise<P>, o: SearchOptions): Promise<{ maxRate: number; firstFailedRate: number | null; steps: P[] }> {
  const r = await searchLimit(probe, { ...o, round: significant(RATE_DIGITS) });
  return { maxRate: r.maxPassed, firstFailedRate: r.firstFailed, steps: r.steps };
}

/** What a capacity probe passes on. */
export interface Criteria {
  p99Ms: number;
  /** Cores of the machine (for the CPU diagnosis). */
  cpus: number;
  /** Physical memory (for the memory diagnosis). */
  memoryBytes: number;
}

const CPU_BUSY_SHARE = 0.9;
const MEMORY_BUSY_SHARE = 0.8;
const LOOP_BUSY_P99_MS = 200;

const pct = (x: number): string => `${Math.round(x * 100)}%`;

/**
 * Whether a run passes: completed, every client connected, nothing lost, p99 within the bound, and latency level
 * across the hold (`steady.state` sustained: an overloaded or unjudged run's p99 only says how long it was held).
 * Files from before the judgement existed have no `steady` and are judged on the rest.
 */
export function passes(run: TransportRun, c: Criteria): boolean {
  return (
    run.state === 'completed' &&
    run.connect.connected === run.clients &&
    run.messages.lost === 0 &&
    run.latencyMs.p99 <= c.p99Ms &&
    (run.steady === undefined || run.steady.state === 'sustained')
  );
}

/**
 * Names the resource that ran out in a run, from its per-process costs and error counts, most specific first:
 * descriptors, ports, memory, then CPU (server, clients, or the machine shared by both), then what failed.
 * For a passing run it names the resource closest to its limit. Returns null only for a passing run with nothing busy.
 */
export function diagnose(run: TransportRun, c: Criteria): string | null {
  if (run.state === 'errored') return `run errored: ${run.error}`;
  const errors = run.connect.errors;
  const count = (pred: (k: string) => boolean): number => Object.entries(errors).reduce((a, [k, v]) => a + (pred(k) ? v : 0), 0);
  const emfile = count((k) => /EMFILE|ENFILE/.test(k));
  if (emfile > 0) {
    const where = count((k) => k.startsWith('server:') && /EMFILE|ENFILE/.test(k)) > 0 ? 'server' : 'client';
    return `descriptors (${emfile} EMFILE/ENFILE in the ${where} processes)`;
  }
  const ports = count((k) => k === 'EADDRNOTAVAIL' || k === 'EADDRINUSE');
  if (ports > 0) return `source ports (${ports} EADDRNOTAVAIL/EADDRINUSE)`;
  const r = run as CompletedTransportRun;
  const rss = r.server.rssBytes + r.clientWorkers.rssBytes;
  if (rss >= c.memoryBytes * MEMORY_BUSY_SHARE) return `memory (${Math.round(rss / 2 ** 20)} MiB resident of ${Math.round(c.memoryBytes / 2 ** 20)} MiB)`;
  const window = Math.max(0.001, r.windowS);
  const serverCores = r.server.cpuSeconds / window;
  const clientCores = r.clientWorkers.cpuSeconds / window;
  const failed = !passes(run, { ...c });
  const busy: string[] = [];
  if (serverCores >= CPU_BUSY_SHARE * Math.min(c.cpus, r.server.processes)) {
    busy.push(`server CPU (${r.server.processes} process(es) used ${serverCores.toFixed(2)} cores)`);
  } else if (r.server.eventLoopDelay.p99Ms >= LOOP_BUSY_P99_MS) {
    // A loop that waited is not a loop that computed: on a shared machine the wait can be other processes' CPU.
    busy.push(`server event loop (delay p99 ${r.server.eventLoopDelay.p99Ms} ms while the server used ${serverCores.toFixed(2)} cores)`);
  }
  if (r.clientWorkers.saturated) busy.push(`client CPU (${r.clientWorkers.saturationReason})`);
  if (busy.length === 0 && r.machine?.saturated) busy.push(`machine CPU (${r.machine.saturationReason})`);
  else if (busy.length === 0 && serverCores + clientCores >= CPU_BUSY_SHARE * c.cpus) {
    busy.push(`machine CPU (server ${serverCores.toFixed(2)} + clients ${clientCores.toFixed(2)} of ${c.cpus} cores)`);
  }
  if (busy.length > 0) return busy.join('; ');
  if (!failed) return null;
  const unconnected = r.clients - r.connect.connected;
  if (unconnected > 0) {
    const kinds = Object.entries(errors).map(([k, v]) => `${k} ${v}`).join(', ');
    return `connecting (${unconnected} of ${r.clients} clients never subscribed${kinds ? `; ${kinds}` : ''})`;
  }
  if (r.messages.lost > 0) return `delivery (${r.messages.lost} of ${r.messages.expected} messages lost)`;
  if (r.steady && r.steady.state !== 'sustained') return `no steady state (${r.steady.reason})`;
  return `latency (p99 ${r.latencyMs.p99} ms > ${c.p99Ms} ms; server ${pct(serverCores / c.cpus)}, clients ${pct(clientCores / c.cpus)} of the machine's CPU)`;
}
