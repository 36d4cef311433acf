/**
 * Counts bytes at the server's sockets, per direction, and splits them into four parts: set-up (the subscribe
 * exchange), before the window (idle polls while other clients still connect), the measurement window (from the first
 * published message until the client has the last one) and after it. The counters are the kernel-facing ones Node
 * keeps for every socket (`bytesRead`, `bytesWritten`): every byte of heads, handshakes, chunk-size lines, SSE field
 * names, frame headers and masks, and nothing of TCP/IP.
 *
 * Each boundary is a snapshot of one socket's counters taken at an event both sides can name, so the byte models the
 * clients keep (harness/transports/<family>/model.ts) follow the same split to the byte:
 * - set-up ends after the response that completes the subscription (`markSetup`);
 * - the window opens, for a push socket, just before the first message is written to it (`beginWindow`); for a poll
 *   socket, after the last response written while nothing was published yet (`responded(socket, true)`);
 * - the window closes, for a poll socket, before the first request whose cursor already holds the last message
 *   (`requested`); a push socket sends nothing after the last message, so its window runs to the snapshot.
 */
import type net from 'node:net';
import type { DirectionBytes } from '../../results/types.js';
import type { PlaintextTotals } from './tls-wire.js';

/** A socket's counters at one moment; `at` arguments let a TLS ledger supply them (harness/measure/tls-wire.ts). */
export interface Counters {
  c2s: number;
  s2c: number;
}

interface SocketMark {
  setup: Counters | null;
  start: Counters | null;
  end: Counters | null;
  /** Counters just after the last complete response (the next request's bytes start here). */
  lastResponse: Counters;
}

/** Totals a server process reports at the end of the window; added across processes. */
export interface WireTotals {
  setup: DirectionBytes;
  /** After set-up, before the window. */
  preWindow: DirectionBytes;
  /** Inside the measurement window. */
  window: DirectionBytes;
  /** After the window, up to the snapshot. */
  postWindow: DirectionBytes;
  /** All bytes, setup included, up to the snapshot. */
  total: DirectionBytes;
  connections: number;
  connectionsOpened: number;
  /** Over TLS only (harness/measure/tls-wire.ts): the layer inside; the figures above are then ciphertext. */
  plaintext?: PlaintextTotals;
}

const ZERO: Counters = { c2s: 0, s2c: 0 };
const counters = (s: net.Socket): Counters => ({ c2s: s.bytesRead, s2c: s.bytesWritten });

/** The four parts of one socket's bytes, boundaries clamped so every part is whole and none negative. */
function split(mark: SocketMark, now: Counters): { setup: Counters; pre: Counters; window: Counters; post: Counters } {
  const clamp = (lo: Counters, v: Counters | null, hi: Counters, fallback: Counters): Counters => {
    const x = v ?? fallback;
    return { c2s: Math.min(hi.c2s, Math.max(lo.c2s, x.c2s)), s2c: Math.min(hi.s2c, Math.max(lo.s2c, x.s2c)) };
  };
  const setup = clamp(ZERO, mark.setup, now, ZERO);
  const start = clamp(setup, mark.start, now, setup);
  const end = clamp(start, mark.end, now, now);
  const diff = (a: Counters, b: Counters): Counters => ({ c2s: b.c2s - a.c2s, s2c: b.s2c - a.s2c });
  return { setup, pre: diff(setup, start), window: diff(start, end), post: diff(end, now) };
}

const dir = (c: Counters): DirectionBytes => ({ c2sBytes: c.c2s, s2cBytes: c.s2c });

export class WireLedger {
  private readonly live = new Map<net.Socket, SocketMark>();
  private readonly closed = { setup: { ...ZERO }, pre: { ...ZERO }, window: { ...ZERO }, post: { ...ZERO } };
  private opened = 0;
  /** The last sequence number that will be published (Infinity until publishing starts). */
  finalSeq = Infinity;

  /** Call on every accepted socket (the http server's 'connection' event). */
  track(socket: net.Socket): void {
    this.opened++;
    const mark: SocketMark = { setup: null, start: null, end: null, lastResponse: ZERO };
    this.live.set(socket, mark);
    socket.once('close', () => {
      const parts = split(mark, counters(socket));
      for (const k of ['setup', 'pre', 'window', 'post'] as const) {
        this.closed[k].c2s += parts[k].c2s;
        this.closed[k].s2c += parts[k].s2c;
      }
      this.live.delete(socket);
    });
  }

  /**
   * The subscribe exchange on this socket is complete: everything so far is set-up. Call it right after the
   * response (or handshake) that completes the subscription was written, before the next request can arrive.
   */
  markSetup(socket: net.Socket, at: Counters = counters(socket)): void {
    const mark = this.live.get(socket);
    if (!mark) return;
    mark.setup = at;
    mark.lastResponse = mark.setup;
  }

  /**
   * `markSetup` and `responded` for a server whose response is known to be on the socket already (node:http2, after
   * its send): a TLS ledger then reads the ciphertext at once instead of waiting for the TLS socket to drain.
   */
  markSetupWritten(socket: net.Socket): void {
    this.markSetup(socket);
  }

  respondedWritten(socket: net.Socket, beforeWindow: boolean): void {
    this.responded(socket, beforeWindow);
  }

  /** A push transport is about to write the first message: what these sockets carried so far precedes the window. */
  beginWindow(sockets: Iterable<net.Socket>): void {
    for (const socket of sockets) {
      const mark = this.live.get(socket);
      if (mark && mark.setup && !mark.start) mark.start = counters(socket);
    }
  }

  /**
   * A poll's response was written. `beforeWindow`: nothing had been published when it was answered, so this exchange
   * (an idle poll during the ramp) precedes the window.
   */
  responded(socket: net.Socket, beforeWindow: boolean, at: Counters = counters(socket)): void {
    const mark = this.live.get(socket);
    if (!mark) return;
    mark.lastResponse = at;
    if (beforeWindow) mark.start = mark.lastResponse;
  }

  /** A poll arrived with cursor `since`: one that already holds the last message asks after the window. */
  requested(socket: net.Socket, since: number): void {
    const mark = this.live.get(socket);
    if (mark && !mark.end && since >= this.finalSeq) mark.end = mark.lastResponse;
  }

  /** Connections open now; cheap, unlike a snapshot, which reads every socket's counters. */
  get connections(): number {
    return this.live.size;
  }

  /** Resets every open connection (TCP RST), for the reconnect-storm fault; returns how many. */
  resetAll(): number {
    const sockets = [...this.live.keys()];
    for (const socket of sockets) socket.resetAndDestroy();
    return sockets.length;
  }

  /** Bytes written by the server but still in its user-space socket buffers (Node's writableLength), all sockets. */
  bufferedBytes(): number {
    let n = 0;
    for (const socket of this.live.keys()) n += socket.writableLength;
    return n;
  }

  snapshot(): WireTotals {
    const sum = { setup: { ...this.closed.setup }, pre: { ...this.closed.pre }, window: { ...this.closed.window }, post: { ...this.closed.post } };
    for (const [socket, mark] of this.live) {
      const parts = split(mark, counters(socket));
      for (const k of ['setup', 'pre', 'window', 'post'] as const) {
        sum[k].c2s += parts[k].c2s;
        sum[k].s2c += parts[k].s2c;
      }
    }
    const total = {
      c2s: sum.setup.c2s + sum.pre.c2s + sum.window.c2s + sum.post.c2s,
      s2c: sum.setup.s2c + sum.pre.s2c + sum.window.s2c + sum.post.s2c,
    };
    return {
      setup: dir(sum.setup),
      preWindow: dir(sum.pre),
      window: dir(sum.window),
      postWindow: dir(sum.post),
      total: dir(total),
      connections: this.live.size,
      connectionsOpened: this.opened,
    };
  }
}
