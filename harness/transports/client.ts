/**
 * What every simulated client shares: the per-worker tally (delivery, latency, modelled bytes, errors), the
 * per-client sequence check, and the interface the worker drives.
 */
import net from 'node:net';
import tls from 'node:tls';
import { nowUs, readMessage } from '../protocol/feed.js';
import { decimalDigits, httpHeadBytes, httpHeadString, type HeaderList } from '../protocol/framing.js';
import { LatencyRecorder, newHistogram, type Histogram } from '../../results/histogram.js';
import { LatencyTimeline } from '../../results/timeline.js';
import { fillHeaders, type HeaderProfile } from '../protocol/profiles.js';
import type { TransportOptions } from '../../results/types.js';
import type { ClientWatch } from '../faults/watch.js';
import { TLS_SERVER_NAME, tlsRecords } from '../protocol/tls.js';
import { WireLedger } from '../measure/wire.js';
import { emptyH2Bytes, type H2Bytes } from '../protocol/h2/frames.js';
import { addH2Bytes } from '../protocol/h2/client.js';
import { profileH2RequestHeaders } from '../protocol/h2/heads.js';

/** host:port as the Host header carries it: an IPv6 literal in brackets (RFC 9110 §7.2, RFC 3986 §3.2.2). */
export function hostPort(host: string, port: number): string {
  return net.isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Bytes the wire models (harness/transports/<family>/model.ts) predict for the events the clients saw, split as the
 * server splits its socket counts (harness/measure/wire.ts): set-up, before the window, inside it (`c2s`, `s2c`), after it.
 */
export interface ModelBytes {
  setupC2s: number;
  setupS2c: number;
  preC2s: number;
  preS2c: number;
  c2s: number;
  s2c: number;
  postC2s: number;
  postS2c: number;
  /**
   * Writes on the wire in each part, as TLS records (RFC 8446 §5.1: one record per write, or corked group of writes,
   * of up to 16,384 bytes). The models count them beside the bytes with `addWrite`; used over TLS only.
   */
  records?: Record<ModelPart, number>;
  /** Over TLS: the ciphertext each client's own TCP socket had counted when its subscription completed. */
  tlsSetup?: { c2s: number; s2c: number };
  /** Over HTTP/2: the same bytes by kind (preface, frame headers, HPACK blocks, DATA, control), from the frames parsed. */
  h2?: Record<ModelPart, H2Bytes>;
  /** Over HTTP/2: requests in each part (HEADERS frames the clients sent), for header bytes per request. */
  h2Requests?: Record<ModelPart, number>;
  /** Over HTTP/2: WINDOW_UPDATE frames the clients sent. */
  h2WindowUpdates?: number;
}

export type ModelPart = 'setupC2s' | 'setupS2c' | 'preC2s' | 'preS2c' | 'c2s' | 's2c' | 'postC2s' | 'postS2c';

const zeroParts = (): Record<ModelPart, number> => ({ setupC2s: 0, setupS2c: 0, preC2s: 0, preS2c: 0, c2s: 0, s2c: 0, postC2s: 0, postS2c: 0 });

/** The TCP socket under each client TLS socket: what the clients' ledger counts (ciphertext, as the server counts it). */
const rawUnder = new WeakMap<net.Socket, net.Socket>();
const countedSocket = (s: net.Socket): net.Socket => rawUnder.get(s) ?? s;

/** The TCP socket under the TLS connection whose read is being handled (Lifecycle sets it around each read). */
let readingRaw: net.Socket | null = null;

/**
 * Adds `bytes` written as `writes` writes (records) to one part of the model. The set-up response (`setupS2c`) is the
 * last set-up addition of every transport: over TLS, that is when the client's own socket counters are read.
 */
export function addWrite(m: ModelBytes, part: ModelPart, bytes: number, records = bytes > 0 ? tlsRecords(bytes) : 0): void {
  m[part] += bytes;
  (m.records ??= zeroParts())[part] += records;
  if (part === 'setupS2c' && readingRaw) {
    const t = (m.tlsSetup ??= { c2s: 0, s2c: 0 });
    t.c2s += readingRaw.bytesWritten;
    t.s2c += readingRaw.bytesRead;
  }
}

/**
 * Adds frames of one part by kind (HTTP/2 runs), beside their total, which `addWrite` counts; `requests`: HEADERS
 * frames the client sent among them.
 */
export function addFrames(m: ModelBytes, part: ModelPart, kinds: H2Bytes | undefined, requests = 0): void {
  if (!kinds) return;
  const h2 = (m.h2 ??= {
    setupC2s: emptyH2Bytes(), setupS2c: emptyH2Bytes(), preC2s: emptyH2Bytes(), preS2c: emptyH2Bytes(),
    c2s: emptyH2Bytes(), s2c: emptyH2Bytes(), postC2s: emptyH2Bytes(), postS2c: emptyH2Bytes(),
  });
  addH2Bytes(h2[part], kinds);
  if (requests > 0) (m.h2Requests ??= zeroParts())[part] += requests;
}

/** One worker's counts; every field adds across workers. */
export class Tally {
  subscribed = 0;
  /** Distinct messages received (sum over clients). */
  delivered = 0;
  duplicated = 0;
  reordered = 0;
  /** Every message body received, duplicates included. */
  received = 0;
  payloadBytes = 0;
  /** Bytes read from the clients' sockets, for live throughput. */
  bytesReceived = 0;
  readonly model: ModelBytes = { setupC2s: 0, setupS2c: 0, preC2s: 0, preS2c: 0, c2s: 0, s2c: 0, postC2s: 0, postS2c: 0 };
  readonly errors: Record<string, number> = {};
  /** Latencies as the clients record them: counted in bulk into `latency` whenever it is read. */
  readonly latencyRecorder = new LatencyRecorder(newHistogram());
  readonly timeline = new LatencyTimeline();
  /** Messages published before this (the warm-up) are left out of `latency`. */
  latencyFromUs = 0;
  /**
   * Bytes at the clients' own sockets, split into set-up, before, inside and after the window at the same events the
   * server marks on its sockets (harness/measure/wire.ts), seen from this end: `c2s` is what a socket read.
   */
  readonly wire = new WireLedger();

  /** Every latency recorded so far (from the window's start on: the worker resets it then). */
  get latency(): Histogram {
    return this.latencyRecorder.flush();
  }

  error(code: string): void {
    this.errors[code] = (this.errors[code] ?? 0) + 1;
  }
}

/** Where Delivery.receive reads each message: one object for the process, so reading one allocates nothing. */
const message = { seq: 0, publishUs: 0 };

/** Sequence check of one client: what arrived in order, ahead of order, or again. */
export class Delivery {
  /** Every sequence number up to this one has arrived. */
  contiguous = 0;
  private ahead: Set<number> | null = null;
  private maxSeq = 0;
  /** Fault runs only: told of every distinct message. */
  watch: ClientWatch | null = null;

  constructor(private readonly tally: Tally) {}

  /** Handles one message body; returns its sequence number, or -1 when the bytes are not a message. */
  receive(buf: Buffer, start: number, end: number): number {
    const t = this.tally;
    if (!readMessage(buf, start, end, message)) {
      t.error('BAD_MESSAGE');
      return -1;
    }
    const { seq, publishUs } = message;
    const latencyUs = nowUs() - publishUs;
    if (publishUs >= t.latencyFromUs) t.latencyRecorder.record(latencyUs);
    t.timeline.record(publishUs, latencyUs);
    t.received++;
    t.payloadBytes += end - start;
    if (seq <= this.contiguous || this.ahead?.has(seq)) {
      t.duplicated++;
      return seq;
    }
    if (seq < this.maxSeq) t.reordered++;
    if (seq > this.maxSeq) this.maxSeq = seq;
    t.delivered++;
    if (seq === this.contiguous + 1) {
      this.contiguous++;
      if (this.ahead) {
        while (this.ahead.delete(this.contiguous + 1)) this.contiguous++;
        if (this.ahead.size === 0) this.ahead = null;
      }
    } else (this.ahead ??= new Set()).add(seq);
    this.watch?.received(seq, publishUs, latencyUs, this.contiguous);
    return seq;
  }

  /** A naive client subscribing afresh: it continues from `seq` without holding what came before. */
  skipTo(seq: number): void {
    if (seq > this.maxSeq) this.maxSeq = seq;
  }

  /** Where a poll or a resumed stream continues from: the highest sequence number seen or skipped at subscription. */
  get cursor(): number {
    return this.maxSeq > this.contiguous ? this.maxSeq : this.contiguous;
  }
}

export interface ClientContext {
  host: string;
  port: number;
  /** Loopback source address to connect from (spreads clients over more than one port range). */
  localAddress?: string;
  /**
   * Source port to bind, chosen by the planner: bind() to port 0 searches the port table and slows to a few hundred
   * connections a second once tens of thousands of ports are taken; an explicit port costs nothing.
   */
  localPort?: number;
  profile: HeaderProfile;
  options: TransportOptions;
  /** Over TLS (`options.tls`): the certificate the clients trust. */
  tlsCa?: string;
  /**
   * The server is not pushbench's (`--server external`): its response heads are whatever it writes, so they are
   * counted as they arrive; the framing after them is still modelled. Absent: the profile's heads are the model.
   */
  headsAsReceived?: boolean;
  tally: Tally;
  /** This client's index in its worker, for spreading poll phases evenly. */
  index: number;
  /** Called once, when the client's subscribe exchange has completed. */
  onSubscribed(): void;
  /** Called once, when the client has every message up to the last one (see `finish`) or was stopped. */
  onDone(): void;
  /** Fault runs only: this client's fault record. */
  watch?: ClientWatch;
  /** Slow-consumer runs only: once the fault has begun (`watch.throttled`), read at most this many bytes a second. */
  slowReadBytesPerS?: number;
}

export interface SimClient {
  /** Connects and subscribes. */
  start(): void;
  /** Publishing has ended at `lastSeq`: stop once every message up to it has arrived. */
  finish(lastSeq: number): void;
  /** The drain timeout passed: stop asking for more now. */
  stop(): void;
  /** Teardown: close the connection. */
  close(): void;
  /** Before the report: count what the model held back until the last sequence number was known. */
  settle?(lastSeq: number): void;
}

export type ClientFactory = (ctx: ClientContext) => SimClient;

/** Where every socket of this process reads into: reads are handled one at a time, to completion. */
const READ_BUFFER = Buffer.allocUnsafe(65_536);

/** The client a socket reads for, kept on the socket, where the shared `onread` callback finds it. */
const kReader = Symbol('reader');
type ReadingSocket = net.Socket & { [kReader]: Lifecycle };

/**
 * One `onread` for every socket of the process: Node calls it on the socket that read (`this`), so no socket needs a
 * callback of its own, and a read goes from the socket straight to its client's Lifecycle. With tens of thousands of
 * clients each read touches state no cache holds any more, so every object fewer on the way counts.
 */
const SHARED_ONREAD = {
  buffer: READ_BUFFER,
  callback(this: ReadingSocket, n: number, buf: Uint8Array): boolean {
    this[kReader].read(buf as Buffer, n);
    return true;
  },
};

/**
 * What reads a connection. The busiest clients are their own reader (a method on their prototype), where a callback
 * would be two more objects per client (the closure and its context) for every read to load from memory.
 */
export interface ConnectionReader {
  read(buf: Buffer, end: number): void;
}

const NO_READER: ConnectionReader = { read: () => {} };

/** Pause before a client re-opens a connection that failed or was closed under it (first attempt; see `retryMs`). */
export const RETRY_MS = 1000;
/** Longest pause between reconnect attempts. */
export const RETRY_CAP_MS = 8000;
/** A push connection silent this many heartbeat intervals is taken for dead. */
export const IDLE_HEARTBEATS = 2.5;

/**
 * Reconnect backoff with jitter: attempt n (from 0) waits a uniformly random time in [d/2, d], d = min(cap,
 * RETRY_MS x 2^n), so clients cut at the same instant do not come back at the same instant ("equal jitter").
 */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const d = Math.min(RETRY_CAP_MS, RETRY_MS * 2 ** Math.min(attempt, 16));
  return d / 2 + random() * (d / 2);
}

/**
 * The connection life every client shares: one socket at a time, errors counted by code, and the
 * done/stop/close states the worker drives.
 */
export class Lifecycle {
  socket: net.Socket | null = null;
  stopped = false;
  /** The last sequence number that will be published, once known. */
  lastSeq = Infinity;
  /** Resume from the last sequence number held after a reconnect (RunOptions.resume). */
  readonly resume: boolean;
  private done = false;
  /** Reconnect attempts since the last answered subscription (backoff). */
  private attempts = 0;
  // The current connection's reader (see `open`).
  private reader: ConnectionReader = NO_READER;
  /** The worker's tally, held here: a read then touches one object fewer (see SHARED_ONREAD). */
  private readonly tally: Tally;
  /** How the client noticed the connection was gone, for the fault record. */
  private lostAs = 'CLOSED';
  private slowBytesPerS = 0;
  private tokens = 0;
  private tokensAt = 0;

  constructor(
    private readonly ctx: ClientContext,
    readonly delivery: Delivery,
  ) {
    this.resume = ctx.options.resume !== false;
    this.tally = ctx.tally;
    delivery.watch = ctx.watch ?? null;
  }

  /** The pause before the next reconnect attempt: backoff with jitter (`retryDelayMs`). */
  retryMs(): number {
    return retryDelayMs(this.attempts++);
  }

  /** A subscribe exchange (or a poll) was answered: the connection works, backoff starts over. */
  answered(): void {
    this.attempts = 0;
    this.ctx.watch?.answered();
  }

  /**
   * Drops the connection when it stays silent `ms` (0: never) — the liveness check an application adds on top of
   * heartbeats; the close that follows reconnects as any other.
   */
  idleTimeout(ms: number): void {
    this.socket?.setTimeout(ms);
  }

  /** How long a push connection may stay silent: IDLE_HEARTBEATS heartbeat intervals (0 when heartbeats are off). */
  get pushIdleMs(): number {
    const h = this.ctx.options.heartbeatMs ?? 0;
    return h > 0 ? h * IDLE_HEARTBEATS : 0;
  }

  /**
   * Opens a TCP connection from the client's source address, with Nagle off as browsers have it. Every read goes
   * to `onRead(buf, end)` (or `onRead.read(buf, end)`): the bytes read are `buf[0, end)`. An exception there (a malformed response) is counted by its code and ends the connection. When the
   * socket closes, `onClose` runs (by default: reconnect with `reopen` after RETRY_MS unless stopped). When the
   * peer closes it without an error while `unanswered()` names a code (a request still waiting), that code is counted.
   *
   * Reads land in one buffer the whole worker shares (`onread`), not in a fresh buffer each through the stream
   * machinery, and are handed on without a view of their own: `onRead` must copy whatever it keeps past its return.
   */
  open(onRead: ConnectionReader | ((buf: Buffer, end: number) => void), reopen: () => void, onClose?: () => void, unanswered?: () => string | null): net.Socket {
    const { ctx, tally } = this;
    const watch = ctx.watch;
    this.reader = typeof onRead === 'function' ? { read: onRead } : onRead;
    this.lostAs = 'CLOSED';
    this.slowBytesPerS = watch?.slow ? (ctx.slowReadBytesPerS ?? 0) : 0;
    this.tokens = this.slowBytesPerS;
    this.tokensAt = performance.now();
    const s = ctx.options.tls ? this.openTls() : net.connect({
      host: ctx.host,
      port: ctx.port,
      localAddress: ctx.localAddress,
      localPort: ctx.localPort,
      noDelay: true,
      onread: SHARED_ONREAD,
    } as net.NetConnectOpts);
    (s as ReadingSocket)[kReader] = this;
    let failed = false;
    this.socket = s;
    tally.wire.track(countedSocket(s));
    s.on('timeout', () => {
      this.lostAs = 'IDLE_TIMEOUT';
      tally.error(this.lostAs);
      s.destroy();
    });
    s.on('error', (e: NodeJS.ErrnoException) => {
      failed = true;
      this.lostAs = errorCode(e);
      tally.error(this.lostAs);
      // Someone else holds the planned source port (a listener on the wildcard address): the kernel picks on the retry.
      if (e.code === 'EADDRINUSE') ctx.localPort = undefined;
    });
    s.on('close', () => {
      if (!failed && !this.stopped && unanswered) {
        const code = unanswered();
        if (code) {
          tally.error(code);
          if (this.lostAs === 'CLOSED') this.lostAs = code;
        }
      }
      if (!this.stopped) watch?.lost(this.lostAs);
      if (this.socket === s) this.socket = null;
      if (onClose) onClose();
      else if (!this.stopped) setTimeout(() => !this.stopped && reopen(), this.retryMs());
    });
    return s;
  }

  /**
   * Every read of the current connection, clear text or the plaintext out of TLS, `buf[0, end)`: counted, handed to
   * the client, and (a slow consumer) throttled. An exception in the client (a malformed response) is counted by its
   * code and ends the connection.
   */
  read(buf: Buffer, end: number): void {
    const { tally } = this;
    tally.bytesReceived += end;
    try {
      this.reader.read(buf, end);
    } catch (e) {
      this.lostAs = errorCode(e);
      tally.error(this.lostAs);
      this.socket?.destroy();
    }
    if (this.slowBytesPerS > 0 && this.ctx.watch!.throttled) this.throttle(end);
  }

  /** Slow consumer: a token bucket of one second's bytes; a read that overdraws it pauses the socket until refilled. */
  private throttle(n: number): void {
    const s = this.socket;
    if (!s) return;
    const now = performance.now();
    const rate = this.slowBytesPerS;
    this.tokens = Math.min(rate, this.tokens + ((now - this.tokensAt) / 1000) * rate) - n;
    this.tokensAt = now;
    if (this.tokens >= 0) return;
    s.pause();
    setTimeout(() => !s.destroyed && s.resume(), (-this.tokens / rate) * 1000);
  }

  /**
   * The TLS connection a browser opens for https: and wss: — TLS 1.3, SNI, the certificate checked — over a TCP
   * socket of our own, so that its counters give the ciphertext while the TLS socket's give the plaintext. Reads
   * arrive as 'data' (TLS has no shared read buffer); the raw socket is named to the model for each read.
   */
  private openTls(): net.Socket {
    const { ctx } = this;
    const raw = net.connect({ host: ctx.host, port: ctx.port, localAddress: ctx.localAddress, localPort: ctx.localPort, noDelay: true });
    // HTTP/2 over TLS is negotiated with ALPN (RFC 9113 §3.2), as a browser does; HTTP/1.1 runs send no ALPN.
    const alpn = ctx.options.protocol === 'h2' ? { ALPNProtocols: ['h2'] } : {};
    const s = tls.connect({ socket: raw, servername: TLS_SERVER_NAME, ca: ctx.tlsCa, minVersion: 'TLSv1.3', ...alpn });
    rawUnder.set(s, raw);
    // TLS does not forward its TCP socket's errors (EADDRINUSE, ECONNREFUSED): end the TLS socket with them, once.
    raw.on('error', (e) => {
      if (!s.destroyed) s.destroy(e);
    });
    s.on('data', (chunk: Buffer) => {
      readingRaw = raw;
      try {
        this.read(chunk, chunk.length);
      } finally {
        readingRaw = null;
      }
    });
    return s;
  }

  /**
   * The subscribe exchange on the current connection is complete: what its socket carried so far is set-up, as the
   * server marks it on its side (the clients' counts then equal the server's, set-up and total).
   */
  markSetup(): void {
    if (this.socket) this.ctx.tally.wire.markSetup(countedSocket(this.socket));
  }

  /**
   * A poll asking after `cursor` was written on the current connection. The client's ledger closes the socket's window
   * at the first one whose cursor already holds the last message, as the server's does when it reads it.
   */
  requested(cursor: number): void {
    if (this.socket) this.ctx.tally.wire.requested(countedSocket(this.socket), cursor);
  }

  /**
   * The poll in flight was answered in full. `beforeWindow`: it asked at cursor 0 and brought no message (an idle
   * poll while others still connect), so everything the socket carried so far precedes the window, as the server
   * marks it when it answers with nothing published.
   */
  responded(beforeWindow: boolean): void {
    if (this.socket) this.ctx.tally.wire.responded(countedSocket(this.socket), beforeWindow);
  }

  markDone(): void {
    if (this.done) return;
    this.done = true;
    this.ctx.onDone();
  }

  /**
   * True once every message up to the last one has arrived; a client that does not resume is done once it is
   * past the last one (what it missed will never come).
   */
  complete(): boolean {
    return (this.resume ? this.delivery.contiguous : this.delivery.cursor) >= this.lastSeq;
  }

  /** The SimClient of a push transport: done when complete, nothing to cancel on stop. */
  pushClient(connect: () => void, close: () => void = () => this.socket?.destroy()): SimClient {
    return {
      start: connect,
      finish: (seq) => {
        this.lastSeq = seq;
        if (this.complete()) this.markDone();
      },
      stop: () => {
        this.stopped = true;
        this.markDone();
      },
      close: () => {
        this.stopped = true;
        close();
      },
    };
  }
}

/** The error code an error event carries, for counting by kind. */
export function errorCode(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code) return code;
  const message = (e as Error)?.message ?? '';
  return /^[A-Z_0-9]+$/.test(message) ? message : 'ERROR';
}

/** A request head from the profile, as the string to write and its modelled size. */
export function requestHead(
  ctx: ClientContext,
  kind: keyof HeaderProfile['requests'],
  target: string,
  vars: { key?: string } = {},
  extra: HeaderList = [],
): { text: string; modelBytes: number } {
  const startLine = `GET ${target} HTTP/1.1`;
  const headers = [...fillHeaders(ctx.profile.requests[kind], { host: hostPort(ctx.host, ctx.port), ...vars }), ...extra];
  return { text: httpHeadString(startLine, headers), modelBytes: httpHeadBytes(startLine, headers) };
}

/** Over HTTP/2 (`--protocol h2|h2c`)? */
export function isH2(ctx: ClientContext): boolean {
  return ctx.options.protocol === 'h2' || ctx.options.protocol === 'h2c';
}

/**
 * A request from the profile as HTTP/2 header fields (harness/protocol/h2/heads.ts): the list the browser itself sent
 * over HTTP/2 where the profile has one (`h2.requests`, captured), else the HTTP/1.1 head mapped (pseudo-headers
 * first, Host as `:authority`, connection-specific fields dropped); placeholders filled, `extra` fields appended.
 */
export function h2Request(ctx: ClientContext, kind: keyof HeaderProfile['requests'], path: string, extra: HeaderList = [], vars: { key?: string } = {}): Array<[string, string]> {
  const scheme = ctx.options.protocol === 'h2' ? 'https' : 'http';
  const fields = fillHeaders(profileH2RequestHeaders(ctx.profile, kind, path, scheme), { host: hostPort(ctx.host, ctx.port), ...vars });
  return [...fields.map(([n, v]): [string, string] => [n, v]), ...extra.map(([n, v]): [string, string] => [n.toLowerCase(), v])];
}

/**
 * Modelled size of a response head from the profile as a function of its Content-Length (Date is always 29
 * characters). Built once per client: only the length's digits vary from one response to the next.
 */
export function responseHeadModel(statusLine: string, headers: HeaderList): (length?: number) => number {
  const placeholders = headers.reduce((n, [, v]) => n + (v.match(/\{length\}/g)?.length ?? 0), 0);
  const withOneDigit = httpHeadBytes(statusLine, fillHeaders(headers, { length: 0, date: 'x'.repeat(29) }));
  return (length = 0) => withOneDigit + placeholders * (decimalDigits(length) - 1);
}
