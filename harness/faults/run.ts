/**
 * One fault during one transport run: the proxy in front of the server (network faults), the fault's timers, the
 * server's and the proxy's per-second samples, and the summary of what the fault did (`FaultTransportStats`).
 * The runner calls it at four points: where clients dial, what the workers record, when publishing starts, and
 * after the reports are in; the server restart itself is the runner's (it owns the server process).
 */
import { startDelayProxy, type DelayProxy } from '../net/delay-proxy.js';
import { nowUs } from '../protocol/feed.js';
import { mergeEncoded } from '../../results/histogram.js';
import type { ProcessCostSample } from '../measure/proc-stats.js';
import type { ToWorker, WorkerFaultConfig } from '../run/ipc.js';
import type { FaultMark, FaultWorkerReport } from './watch.js';
import { faultEndS, needsProxy } from './spec.js';
import type { CompletedTransportRun, FaultSpec, FaultTransportStats, LatencySummaryMs, RunOptions } from '../../results/types.js';

interface ServerSample {
  atUs: number;
  pid: number;
  cpuSeconds: number;
  wallSeconds: number;
  rssBytes: number;
  bufferedBytes: number | null;
}

/** What the runner gives the fault when publishing starts. */
export interface FaultInjection {
  startUs: number;
  rate: number;
  count: number;
  /** Sends a message to every client worker. */
  tell(msg: ToWorker): void;
  /** Kills the server (SIGKILL), waits `downMs`, starts it again on the same port with its feed; resolves once it listens. */
  restartServer(downMs: number): Promise<void>;
  /** Has the server reset every connection at once (TCP RST); resolves with how many. */
  resetConnections(): Promise<number>;
}

/** How often the proxy's byte counters are read. */
const PROXY_SAMPLE_MS = 250;

export class FaultRun {
  readonly spec: FaultSpec;
  private proxy: DelayProxy | null = null;
  private readonly serverSamples: ServerSample[] = [];
  private readonly proxySamples: Array<{ atUs: number; bytes: number }> = [];
  private proxyTimer: NodeJS.Timeout | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  private startUs = 0;
  private atUs = Number.POSITIVE_INFINITY;
  private liveFromSeq = Number.POSITIVE_INFINITY;
  private affected = 0;
  /** Set while the server is being restarted: the runner waits for it before it waits for the new server. */
  restarting: Promise<void> | null = null;
  /** A restart that failed: the run errors with it. */
  failure: Error | null = null;

  private constructor(private readonly o: RunOptions) {
    this.spec = o.fault!;
  }

  /** Starts the proxy (network faults) in front of the server at `target`; clients dial `dial`. */
  static async prepare(o: RunOptions, target: { host: string; port: number }): Promise<FaultRun> {
    const run = new FaultRun(o);
    if (needsProxy(run.spec)) {
      run.proxy = await startDelayProxy({ target: { host: target.host === 'localhost' ? '127.0.0.1' : target.host, port: target.port }, delayMs: 0, handshakeRtt: false });
    }
    return run;
  }

  get dial(): { host: string; port: number } | null {
    return this.proxy ? { host: '127.0.0.1', port: this.proxy.port } : null;
  }

  workerConfig(): WorkerFaultConfig {
    const f = this.spec;
    return f.kind === 'slow-consumer' ? { slowShare: f.share, slowReadBytesPerS: f.readBytesPerS } : { slowShare: 0, slowReadBytesPerS: 0 };
  }

  onServerSample(cost: ProcessCostSample, bufferedBytes: number | undefined): void {
    this.serverSamples.push({ atUs: nowUs(), pid: cost.pid, cpuSeconds: cost.cpuSeconds, wallSeconds: cost.wallSeconds, rssBytes: cost.rssBytes, bufferedBytes: bufferedBytes ?? null });
  }

  /** Publishing starts at `startUs`: schedule the fault. */
  inject(inj: FaultInjection): void {
    const f = this.spec;
    this.startUs = inj.startUs;
    const periodUs = 1e6 / inj.rate;
    const endUs = inj.startUs + faultEndS(f, this.o.durationS) * 1e6;
    // The first message due strictly after the fault ends (message k is due at startUs + (k - 1) x period).
    const live = Math.floor((endUs - inj.startUs) / periodUs + 1e-9) + 2;
    this.liveFromSeq = f.kind === 'slow-consumer' || live > inj.count ? Number.POSITIVE_INFINITY : live;
    if (this.proxy) {
      const proxy = this.proxy;
      const read = (): void => {
        const s = proxy.stats();
        this.proxySamples.push({ atUs: nowUs(), bytes: s.c2sBytes + s.s2cBytes });
      };
      read();
      this.proxyTimer = setInterval(read, PROXY_SAMPLE_MS);
    }
    const at = (us: number, fn: () => void): void => {
      this.timers.push(setTimeout(fn, Math.max(0, (us - nowUs()) / 1000)));
    };
    at(inj.startUs + f.atS * 1e6, () => {
      this.atUs = nowUs();
      const mark: FaultMark = { atUs: this.atUs, liveFromSeq: this.liveFromSeq };
      inj.tell({ type: 'fault', mark });
      switch (f.kind) {
        case 'server-restart':
          this.affected = this.o.clients;
          this.restarting = inj.restartServer(f.downS * 1000).catch((e: Error) => {
            this.failure = e;
          });
          break;
        case 'connection-drop':
          this.affected = this.proxy!.drop(f.share);
          break;
        case 'reconnect-storm':
          // The server resets its own connections: at 10,000 clients a proxy in this process would need more
          // descriptors than one process may hold.
          void inj.resetConnections().then(
            (n) => void (this.affected = n),
            (e: Error) => void (this.failure = e),
          );
          break;
        case 'partition':
          this.affected = this.proxy!.open();
          this.proxy!.blackhole(true);
          at(this.atUs + f.forS * 1e6, () => this.proxy?.blackhole(false));
          break;
        case 'slow-consumer':
          this.affected = countSlow(this.o.clients, f.share);
          break;
      }
    });
  }

  /** Everything stops: timers, the proxy. */
  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    if (this.proxyTimer) clearInterval(this.proxyTimer);
    this.proxy?.blackhole(false);
    await this.proxy?.close();
    this.proxy = null;
  }

  /** What the fault did to `run`, from the workers' fault reports and the samples. */
  collect(run: CompletedTransportRun, reports: FaultWorkerReport[]): FaultTransportStats {
    return summarizeFault({
      spec: this.spec,
      run,
      reports,
      startUs: this.startUs,
      atUs: this.atUs,
      liveFromSeq: this.liveFromSeq,
      affected: this.affected,
      serverSamples: this.serverSamples,
      proxySamples: this.proxy || this.proxySamples.length ? this.proxySamples : null,
    });
  }
}

/** Clients that are slow consumers at `share`: the same even spread the workers use. */
export function countSlow(clients: number, share: number): number {
  let n = 0;
  for (let g = 0; g < clients; g++) if (Math.floor((g + 1) * share + 1e-9) > Math.floor(g * share + 1e-9)) n++;
  return n;
}

export interface FaultSummaryInput {
  spec: FaultSpec;
  run: CompletedTransportRun;
  reports: FaultWorkerReport[];
  /** Window start and the fault's actual start, monotonic microseconds. */
  startUs: number;
  atUs: number;
  liveFromSeq: number;
  affected: number;
  serverSamples: ServerSample[];
  proxySamples: Array<{ atUs: number; bytes: number }> | null;
}

const ms = (us: number): number => Math.round(us / 100) / 10;
const round3 = (n: number): number => Math.round(n * 1000) / 1000;

function latencySummary(encoded: string[]): LatencySummaryMs {
  const h = mergeEncoded(encoded);
  if (h.totalCount === 0) return { count: 0, p50: null, p99: null, max: null };
  return { count: h.totalCount, p50: ms(h.getValueAtPercentile(50)), p99: ms(h.getValueAtPercentile(99)), max: ms(h.maxValue) };
}

/** The last time of `times` (microseconds after the fault, 0 = never), or null when some client never got there. */
function lastOf(times: number[]): number | null {
  if (times.length === 0 || times.some((t) => t === 0)) return null;
  return ms(Math.max(...times));
}

/** Linear interpolation of a cumulative counter at `us`. */
function cumulativeAt(samples: Array<{ atUs: number; bytes: number }>, us: number): number {
  if (samples.length === 0) return 0;
  if (us <= samples[0]!.atUs) return samples[0]!.bytes;
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1]!;
    const b = samples[i]!;
    if (us <= b.atUs) return a.bytes + ((b.bytes - a.bytes) * (us - a.atUs)) / Math.max(1, b.atUs - a.atUs);
  }
  return samples[samples.length - 1]!.bytes;
}

/** The pure part of `FaultRun.collect`: exported for tests. */
export function summarizeFault(x: FaultSummaryInput): FaultTransportStats {
  const { spec, run, reports } = x;
  const all = <K extends keyof FaultWorkerReport>(k: K): FaultWorkerReport[K][] => reports.map((r) => r[k]);
  const detect = all('detectUs').flat().filter((t) => t > 0).sort((a, b) => a - b);
  const detectBy: Record<string, number> = {};
  for (const r of reports) for (const [k, v] of Object.entries(r.detectBy)) detectBy[k] = (detectBy[k] ?? 0) + v;
  const resub = all('resubscribedUs').flat().filter((t) => t > 0);
  const live = Number.isFinite(x.liveFromSeq) && x.liveFromSeq <= run.published;
  const bucketS = 1;
  const buckets = Math.max(Math.ceil(run.windowS / bucketS), ...reports.map((r) => r.deliveredPerS.length));
  const deliveredPerS = new Array<number>(buckets).fill(0);
  for (const r of reports) r.deliveredPerS.forEach((n, i) => (deliveredPerS[i] = (deliveredPerS[i] ?? 0) + n));

  // Server CPU share per sample interval (same process: a restart starts its counters again), by window second.
  const cpuShare: Array<number | null> = new Array(buckets).fill(null);
  const rss: Array<number | null> = new Array(buckets).fill(null);
  const shares: Array<{ atUs: number; share: number }> = [];
  const samples = x.serverSamples;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    const b = Math.floor((s.atUs - x.startUs) / 1e6 / bucketS);
    if (b >= 0 && b < buckets) rss[b] = Math.max(rss[b] ?? 0, s.rssBytes);
    const p = samples[i - 1];
    if (!p || p.pid !== s.pid || s.wallSeconds <= p.wallSeconds || s.cpuSeconds < p.cpuSeconds) continue;
    const share = (s.cpuSeconds - p.cpuSeconds) / (s.wallSeconds - p.wallSeconds);
    shares.push({ atUs: s.atUs, share });
    if (b >= 0 && b < buckets) cpuShare[b] = round3(Math.max(cpuShare[b] ?? 0, share));
  }
  const before = shares.filter((s) => s.atUs >= x.startUs && s.atUs < x.atUs);
  const after = shares.filter((s) => s.atUs >= x.atUs);
  const rssBefore = samples.filter((s) => s.atUs < x.atUs).at(-1)?.rssBytes ?? null;
  const rssAfter = samples.filter((s) => s.atUs >= x.atUs).map((s) => s.rssBytes);
  const buffered = samples.filter((s) => s.atUs >= x.atUs && s.bufferedBytes !== null).map((s) => s.bufferedBytes!);
  const peakRss = rssAfter.length ? Math.max(...rssAfter) : null;
  const peakBuffered = buffered.length ? Math.max(...buffered) : null;

  const recoverMs = live ? lastOf(all('liveUs').flat()) : null;
  const completeMs = live ? lastOf(all('completeUs').flat()) : null;

  let recoveryBytes: FaultTransportStats['recoveryBytes'];
  let proxyBytesPerS: number[] | undefined;
  const ps = x.proxySamples;
  if (ps && ps.length > 1) {
    proxyBytesPerS = Array.from({ length: buckets }, (_, i) =>
      Math.max(0, Math.round(cumulativeAt(ps, x.startUs + (i + 1) * bucketS * 1e6) - cumulativeAt(ps, x.startUs + i * bucketS * 1e6))),
    );
    const baseS = (x.atUs - x.startUs) / 1e6;
    if (recoverMs !== null && baseS >= 1) {
      const total = Math.round(cumulativeAt(ps, x.atUs + recoverMs * 1000) - cumulativeAt(ps, x.atUs));
      const baseline = Math.round(((cumulativeAt(ps, x.atUs) - cumulativeAt(ps, x.startUs)) / baseS) * (recoverMs / 1000));
      recoveryBytes = { totalBytes: total, baselineBytes: baseline, excessBytes: total - baseline };
    }
  }

  const slowClients = reports.reduce((a, r) => a + r.slowClients, 0);
  const perSlow = (n: number | null): number | null => (n !== null && n > 0 && slowClients > 0 ? Math.round(n / slowClients) : null);
  const endS = faultEndS(spec, run.durationS);
  return {
    transport: run.transport,
    repeat: run.repeat,
    clients: run.clients,
    atS: spec.atS,
    endS,
    liveFromSeq: live ? x.liveFromSeq : null,
    affected: x.affected,
    messages: { ...run.messages },
    detect: {
      clients: detect.length,
      p50Ms: detect.length ? ms(detect[Math.floor((detect.length - 1) / 2)]!) : null,
      maxMs: detect.length ? ms(detect[detect.length - 1]!) : null,
      by: detectBy,
    },
    resubscribe: { clients: resub.length, lastMs: resub.length ? ms(Math.max(...resub)) : null },
    recoverMs,
    completeMs,
    ...(recoveryBytes ? { recoveryBytes } : {}),
    server: {
      cpuShareBefore: before.length ? round3(before.reduce((a, s) => a + s.share, 0) / before.length) : null,
      peakCpuShare: after.length ? round3(Math.max(...after.map((s) => s.share))) : null,
      rssBeforeBytes: rssBefore,
      peakRssBytes: peakRss,
      peakBufferedBytes: peakBuffered,
    },
    ...(spec.kind === 'slow-consumer'
      ? {
          slow: {
            clients: slowClients,
            readBytesPerS: spec.readBytesPerS,
            serverRssBytesPerSlowClient: perSlow(peakRss !== null && rssBefore !== null ? peakRss - rssBefore : null),
            serverBufferedBytesPerSlowClient: perSlow(peakBuffered),
            healthyBeforeMs: latencySummary(all('healthyBefore')),
            healthyAfterMs: latencySummary(all('healthyAfter')),
            slowAfterMs: latencySummary(all('slowAfter')),
          },
        }
      : {}),
    errors: { ...run.connect.errors },
    timeline: { bucketS, deliveredPerS, ...(proxyBytesPerS ? { proxyBytesPerS } : {}), serverCpuShare: cpuShare, serverRssBytes: rss },
  };
}
