/**
 * A user-space TCP proxy on 127.0.0.1 that delays every byte by a one-way delay (plus jitter) in both directions:
 * a stand-in for `tc netem`, which needs privileges this machine does not have.
 *
 * Per connection and direction, data is queued with a release time = arrival + delay (+ jitter), never earlier
 * than the chunk before it, so order is preserved and nothing is dropped. Back-pressure: when the far side's
 * write buffer is full, or more than `maxQueuedBytes` wait in a queue, the near side stops reading until it drains.
 * A FIN travels like data (half-close is delayed, then passed on); a reset is passed on at once.
 *
 * The kernel completes the client's TCP handshake with the proxy immediately, which would hide the round trip a
 * real SYN / SYN-ACK costs. With `handshakeRtt` (default on) the proxy charges it: the client's first bytes are not
 * released before 3 x delay after accept (SYN, SYN-ACK, then the bytes' own one-way trip), as if they had waited
 * for the SYN-ACK.
 *
 * Two fault modes, for the fault scenarios (harness/faults/): `drop(share)` resets that share of the open
 * connections at once (TCP RST to both ends, as a crashed middlebox or load balancer would); `blackhole(true)` stops
 * forwarding without closing anything — data waits in the queues (then the kernel's buffers), closes and resets are
 * held back, and new connections are accepted but not connected upstream — until `blackhole(false)`, when everything
 * held is passed on in order, as TCP's retransmissions would deliver it after a partition heals. TCP keep-alive
 * cannot see such a partition: the proxy's own sockets answer the probes.
 */
import net from 'node:net';

export interface DelayProxyOptions {
  /** Where every accepted connection is forwarded (loopback only). */
  target: { host: string; port: number };
  /** One-way delay added in each direction. */
  delayMs: number;
  /** Each chunk's delay is drawn uniformly from delayMs ± jitterMs (never below 0, never reordering). */
  jitterMs?: number;
  /** Port to listen on, 0 or absent for a free one. */
  listenPort?: number;
  /** Charge the TCP handshake's round trip to new connections (see the module comment). Default true. */
  handshakeRtt?: boolean;
  /** Bytes a queue may hold before the proxy stops reading the sending side. Default 4 MiB. */
  maxQueuedBytes?: number;
  /** Random source for jitter, for reproducible tests. Default Math.random. */
  random?: () => number;
}

/** Bytes and connections the proxy has carried, for checking that nothing was lost. */
export interface DelayProxyStats {
  connections: number;
  c2sBytes: number;
  s2cBytes: number;
}

export interface DelayProxy {
  port: number;
  stats(): DelayProxyStats;
  /** Connections open now (accepted and not yet closed on both sides), held ones included. */
  open(): number;
  /**
   * Resets `share` (0 to 1) of the open connections at once, spread evenly over them in the order they were
   * accepted (share 1: every one); returns how many were reset.
   */
  drop(share: number): number;
  /** true: forward nothing and pass no close until called with false (see the module comment). */
  blackhole(on: boolean): void;
  /** Stops listening and tears down every connection; resolves when all are gone. */
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

type Item = { at: number; data: Buffer | null };

/** Shared by every pipe of a proxy: while `holding`, nothing is released. */
interface Gate {
  holding: boolean;
}

/** One direction of one connection: reads `from`, writes `to` after the delay. */
class DelayedPipe {
  private readonly queue: Item[] = [];
  private queuedBytes = 0;
  private lastReleaseMs = 0;
  private timer: NodeJS.Timeout | null = null;
  private blocked = false;
  private ended = false;

  constructor(
    private readonly from: net.Socket,
    private readonly to: net.Socket,
    private readonly delay: () => number,
    private readonly maxQueuedBytes: number,
    private readonly count: (bytes: number) => void,
    notBeforeMs: number,
    private readonly gate: Gate = { holding: false },
  ) {
    this.lastReleaseMs = notBeforeMs;
    from.on('data', (chunk: Buffer) => this.push(chunk));
    from.on('end', () => this.push(null));
    to.on('drain', () => {
      this.blocked = false;
      this.flush();
    });
  }

  private push(data: Buffer | null): void {
    const at = Math.max(performance.now() + this.delay(), this.lastReleaseMs);
    this.lastReleaseMs = at;
    this.queue.push({ at, data });
    if (data) {
      this.queuedBytes += data.length;
      if (this.queuedBytes > this.maxQueuedBytes) this.from.pause();
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.blocked || this.gate.holding || this.queue.length === 0) return;
    const wait = Math.max(0, this.queue[0]!.at - performance.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, wait);
  }

  flush(): void {
    if (this.gate.holding) return;
    const now = performance.now();
    while (!this.blocked && this.queue.length > 0 && this.queue[0]!.at <= now + 0.5) {
      const item = this.queue.shift()!;
      if (item.data === null) {
        this.ended = true;
        if (!this.to.destroyed) this.to.end();
        continue;
      }
      this.queuedBytes -= item.data.length;
      this.count(item.data.length);
      if (this.to.destroyed) continue;
      if (!this.to.write(item.data)) this.blocked = true;
    }
    if (this.queuedBytes <= this.maxQueuedBytes && !this.ended && this.from.isPaused()) this.from.resume();
    this.schedule();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue.length = 0;
  }
}

/** Starts the proxy; resolves once it listens on 127.0.0.1. */
export async function startDelayProxy(options: DelayProxyOptions): Promise<DelayProxy> {
  const { target, delayMs } = options;
  const jitterMs = options.jitterMs ?? 0;
  const random = options.random ?? Math.random;
  const maxQueuedBytes = options.maxQueuedBytes ?? 4 * 1024 * 1024;
  const handshakeRtt = options.handshakeRtt ?? true;
  if (!LOOPBACK.has(target.host)) throw new RangeError(`delay proxy target must be loopback, got ${target.host}`);
  if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65535) throw new RangeError(`delay proxy target port ${target.port} is not a TCP port`);
  if (!(delayMs >= 0) || !(jitterMs >= 0) || jitterMs > delayMs) throw new RangeError(`delay proxy needs delayMs >= jitterMs >= 0, got ${delayMs} and ${jitterMs}`);

  const draw = (): number => Math.max(0, delayMs + (jitterMs > 0 ? (random() * 2 - 1) * jitterMs : 0));
  const stats: DelayProxyStats = { connections: 0, c2sBytes: 0, s2cBytes: 0 };
  const live = new Set<net.Socket>();
  const pipes = new Set<DelayedPipe>();
  const gate: Gate = { holding: false };
  /** Client and upstream of every open connection, in accept order (for `drop`). */
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket | null }>();
  /** Accepted during a black hole: connected upstream when it ends. */
  const waiting = new Set<net.Socket>();
  /** Closes to pass on when a black hole ends. */
  const heldCloses: Array<() => void> = [];

  const forward = (client: net.Socket, acceptedMs: number): void => {
    const upstream = net.connect({ host: target.host, port: target.port, allowHalfOpen: true });
    const pair = { client, upstream };
    pairs.add(pair);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    live.add(client);
    live.add(upstream);
    const c2s = new DelayedPipe(client, upstream, draw, maxQueuedBytes, (n) => (stats.c2sBytes += n), handshakeRtt ? acceptedMs + 3 * delayMs : 0, gate);
    const s2c = new DelayedPipe(upstream, client, draw, maxQueuedBytes, (n) => (stats.s2cBytes += n), 0, gate);
    pipes.add(c2s);
    pipes.add(s2c);
    let closed = 0;
    const onClose = (sock: net.Socket, other: net.Socket) => () => {
      live.delete(sock);
      // A reset (or the proxy closing) on one side cannot be delayed meaningfully: pass it on now (or, in a black
      // hole, when it ends: a partition carries no RST either).
      if (sock.errored || !sock.readableEnded) {
        if (gate.holding) heldCloses.push(() => other.destroy());
        else other.destroy();
      }
      if (++closed === 2) {
        pairs.delete(pair);
        c2s.stop();
        s2c.stop();
        pipes.delete(c2s);
        pipes.delete(s2c);
      }
    };
    client.on('error', () => {});
    // The server refused or reset: the client sees a reset too, as it would without the proxy.
    upstream.on('error', () => {
      if (!client.destroyed) client.resetAndDestroy();
    });
    client.on('close', onClose(client, upstream));
    upstream.on('close', onClose(upstream, client));
    // Once both directions have delivered their FIN, a half-open socket would linger: finish it.
    const finishIfDone = (sock: net.Socket) => () => {
      if (sock.readableEnded && sock.writableEnded) sock.destroy();
    };
    client.on('end', finishIfDone(client));
    client.on('finish', finishIfDone(client));
    upstream.on('end', finishIfDone(upstream));
    upstream.on('finish', finishIfDone(upstream));
  };

  const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: false }, (client) => {
    stats.connections++;
    if (!gate.holding) return forward(client, performance.now());
    // Behind a black hole the SYN would go unanswered: hold the connection, unread, until it ends.
    client.pause();
    waiting.add(client);
    live.add(client);
    client.on('error', () => {});
    client.once('close', () => {
      waiting.delete(client);
      live.delete(client);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.listenPort ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    stats: () => ({ ...stats }),
    open: () => pairs.size + waiting.size,
    drop(share) {
      if (!(share >= 0 && share <= 1)) throw new RangeError(`drop share must be from 0 to 1, got ${share}`);
      let i = 0;
      let cut = 0;
      for (const { client, upstream } of [...pairs]) {
        // Pair i is cut when the running count of share crosses an integer: evenly spread, exactly round(n x share).
        if (Math.floor((i + 1) * share + 1e-9) > Math.floor(i * share + 1e-9)) {
          client.resetAndDestroy();
          upstream?.resetAndDestroy();
          cut++;
        }
        i++;
      }
      return cut;
    },
    blackhole(on) {
      if (gate.holding === on) return;
      gate.holding = on;
      if (on) return;
      for (const close of heldCloses.splice(0)) close();
      for (const pipe of pipes) pipe.flush();
      for (const client of [...waiting]) {
        waiting.delete(client);
        live.delete(client);
        if (client.destroyed) continue;
        client.resume();
        forward(client, performance.now());
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const pipe of pipes) pipe.stop();
        for (const sock of live) sock.destroy();
        server.close(() => resolve());
      }),
  };
}
