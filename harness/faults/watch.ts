/**
 * What a client worker records about a fault: per client, when it noticed (its connection closed, failed or timed
 * out), when it was subscribed again, when it was live again (held a message published after the fault ended) and
 * when it held everything up to that message; per worker, distinct deliveries by the second they arrived and, for
 * slow-consumer runs, latency of healthy and slow clients apart. Everything adds across workers.
 */
import { nowUs } from '../protocol/feed.js';
import { encodeHistogram, newHistogram, recordUs, type Histogram } from '../../results/histogram.js';

/** What the harness tells the workers when a fault begins (monotonic microseconds, like message publish times). */
export interface FaultMark {
  atUs: number;
  /** The first message due after the fault ends (Infinity when it does not end in the window). */
  liveFromSeq: number;
}

/** One worker's fault figures, sent with its report. Times are microseconds after the fault began; 0 = never. */
export interface FaultWorkerReport {
  /** Distinct deliveries per second of receipt since the window opened. */
  deliveredPerS: number[];
  detectUs: number[];
  detectBy: Record<string, number>;
  resubscribedUs: number[];
  liveUs: number[];
  completeUs: number[];
  slowClients: number;
  /** Encoded latency histograms (microseconds): healthy clients before and after the fault began, slow ones after. */
  healthyBefore: string;
  healthyAfter: string;
  slowAfter: string;
}

export class FaultWatch {
  /** When the fault began; Infinity until the harness says. */
  atUs = Number.POSITIVE_INFINITY;
  liveFromSeq = Number.POSITIVE_INFINITY;
  private windowStartUs = Number.POSITIVE_INFINITY;
  private readonly deliveredPerS: number[] = [];
  readonly clients: ClientWatch[] = [];
  readonly detectBy: Record<string, number> = {};
  readonly healthyBefore: Histogram = newHistogram();
  readonly healthyAfter: Histogram = newHistogram();
  readonly slowAfter: Histogram = newHistogram();

  /** The window opened: deliveries count per second from here. */
  window(startUs: number): void {
    this.windowStartUs = startUs;
  }

  mark(m: FaultMark): void {
    this.atUs = m.atUs;
    this.liveFromSeq = m.liveFromSeq ?? Number.POSITIVE_INFINITY;
  }

  /** The fault has begun (slow consumers start reading slowly). */
  get begun(): boolean {
    return nowUs() >= this.atUs;
  }

  client(slow: boolean): ClientWatch {
    const c = new ClientWatch(this, slow);
    this.clients.push(c);
    return c;
  }

  countDelivery(now: number): void {
    const b = Math.floor((now - this.windowStartUs) / 1e6);
    if (!(b >= 0 && b < 7200)) return;
    while (this.deliveredPerS.length <= b) this.deliveredPerS.push(0);
    this.deliveredPerS[b]!++;
  }

  report(): FaultWorkerReport {
    const rel = (us: number): number => (us > 0 ? Math.max(1, us - this.atUs) : 0);
    return {
      deliveredPerS: this.deliveredPerS,
      detectUs: this.clients.map((c) => rel(c.detectUs)),
      detectBy: this.detectBy,
      resubscribedUs: this.clients.map((c) => rel(c.resubscribedUs)),
      liveUs: this.clients.map((c) => rel(c.liveUs)),
      completeUs: this.clients.map((c) => rel(c.completeUs)),
      slowClients: this.clients.filter((c) => c.slow).length,
      healthyBefore: encodeHistogram(this.healthyBefore),
      healthyAfter: encodeHistogram(this.healthyAfter),
      slowAfter: encodeHistogram(this.slowAfter),
    };
  }
}

/** One client's fault record; its Delivery and Lifecycle call it. */
export class ClientWatch {
  detectUs = 0;
  resubscribedUs = 0;
  liveUs = 0;
  completeUs = 0;
  private down = false;

  constructor(
    private readonly watch: FaultWatch,
    readonly slow: boolean,
  ) {}

  /** Reads slowly now (a slow consumer once the fault has begun). */
  get throttled(): boolean {
    return this.slow && this.watch.begun;
  }

  /** A distinct message arrived; `contiguous` is what the client holds without a gap after it. */
  received(seq: number, publishUs: number, latencyUs: number, contiguous: number): void {
    const w = this.watch;
    const now = nowUs();
    w.countDelivery(now);
    if (publishUs < w.atUs) {
      if (!this.slow) recordUs(w.healthyBefore, latencyUs);
    } else recordUs(this.slow ? w.slowAfter : w.healthyAfter, latencyUs);
    if (seq >= w.liveFromSeq && this.liveUs === 0) this.liveUs = now;
    if (contiguous >= w.liveFromSeq && this.completeUs === 0) this.completeUs = now;
  }

  /** The connection closed, failed or timed out without the client asking for it (`kind`: how it noticed). */
  lost(kind: string): void {
    const now = nowUs();
    this.down = true;
    if (now < this.watch.atUs || this.detectUs !== 0) return;
    this.detectUs = now;
    this.watch.detectBy[kind] = (this.watch.detectBy[kind] ?? 0) + 1;
  }

  /** A subscribe exchange (or, polling, an answer) completed on a new connection after a loss. */
  answered(): void {
    if (!this.down) return;
    this.down = false;
    const now = nowUs();
    if (now >= this.watch.atUs && this.detectUs !== 0) this.resubscribedUs = now;
  }
}
