/**
 * Counts bytes at the server's sockets, per direction, and splits them into set-up and steady state.
 * The counters are the kernel-facing ones Node keeps for every socket (`bytesRead`, `bytesWritten`): every byte of
 * heads, handshakes, chunk-size lines, SSE field names, frame headers and masks, and nothing of TCP/IP.
 */
import type net from 'node:net';
import type tls from 'node:tls';
import type { DirectionBytes } from '../../results/types.js';

interface SocketMark {
  setupC2s: number;
  setupS2c: number;
  marked: boolean;
  /** Over TLS: the TCP socket under the TLS socket (ciphertext), and the plaintext counts at set-up. */
  raw?: net.Socket;
  plainSetupC2s?: number;
  plainSetupS2c?: number;
}

/** The plaintext layer of a TLS server: counted at its TLS sockets, split like the ciphertext. */
export interface PlaintextTotals {
  setup: DirectionBytes;
  total: DirectionBytes;
  /** Negotiated protocol and cipher of the first TLS connection. */
  version: string;
  cipher: string;
}

/** Totals a server process reports at the end of the window; added across processes. */
export interface WireTotals {
  setup: DirectionBytes;
  /** All bytes, setup included, up to the snapshot. */
  total: DirectionBytes;
  connections: number;
  connectionsOpened: number;
  /** Over TLS only; `setup` and `total` above are then ciphertext at the TCP sockets. */
  plaintext?: PlaintextTotals;
}

export class WireLedger {
  private readonly live = new Map<net.Socket, SocketMark>();
  private closedC2s = 0;
  private closedS2c = 0;
  private closedSetupC2s = 0;
  private closedSetupS2c = 0;
  private opened = 0;
  private plain: { c2s: number; s2c: number; setupC2s: number; setupS2c: number; version: string; cipher: string } | null = null;

  /**
   * Call on every accepted socket (the http server's 'connection' event). A TLS server calls it with each TLS socket
   * ('secureConnection'): its own counters are the plaintext, the TCP socket under it (`_parent`) counts ciphertext.
   */
  track(socket: net.Socket): void {
    this.opened++;
    const raw = (socket as tls.TLSSocket).encrypted ? (socket as unknown as { _parent?: net.Socket })._parent : undefined;
    const mark: SocketMark = { setupC2s: 0, setupS2c: 0, marked: false, ...(raw ? { raw, plainSetupC2s: 0, plainSetupS2c: 0 } : {}) };
    if (raw && !this.plain) {
      const t = socket as tls.TLSSocket;
      this.plain = { c2s: 0, s2c: 0, setupC2s: 0, setupS2c: 0, version: t.getProtocol() ?? 'unknown', cipher: t.getCipher()?.standardName ?? 'unknown' };
    }
    this.live.set(socket, mark);
    socket.once('close', () => {
      const outer = mark.raw ?? socket;
      this.closedC2s += outer.bytesRead;
      this.closedS2c += outer.bytesWritten;
      this.closedSetupC2s += mark.setupC2s;
      this.closedSetupS2c += mark.setupS2c;
      if (this.plain && mark.raw) {
        this.plain.c2s += socket.bytesRead;
        this.plain.s2c += socket.bytesWritten;
        this.plain.setupC2s += mark.plainSetupC2s!;
        this.plain.setupS2c += mark.plainSetupS2c!;
      }
      this.live.delete(socket);
    });
  }

  /**
   * The subscribe exchange on this socket is complete: everything so far is set-up. Call it right after the
   * response (or handshake) that completes the subscription was written, before the next request can arrive.
   */
  markSetup(socket: net.Socket): void {
    const mark = this.live.get(socket);
    if (!mark) return;
    mark.marked = true;
    const raw = mark.raw;
    if (!raw) {
      mark.setupC2s = socket.bytesRead;
      mark.setupS2c = socket.bytesWritten;
      return;
    }
    // The plaintext counters include what is queued; the ciphertext exists only once Node's HTTP layer has uncorked
    // (next tick) and TLS has encrypted it. Nothing else can be written before then: the client has not yet had
    // the answer, and publishing starts after every client subscribed.
    mark.plainSetupC2s = socket.bytesRead;
    mark.plainSetupS2c = socket.bytesWritten;
    setImmediate(() => {
      mark.setupC2s = raw.bytesRead;
      mark.setupS2c = raw.bytesWritten;
    });
  }

  /** Connections open now; cheap, unlike a snapshot, which reads every socket's counters. */
  get connections(): number {
    return this.live.size;
  }

  snapshot(): WireTotals {
    let c2s = this.closedC2s;
    let s2c = this.closedS2c;
    let setupC2s = this.closedSetupC2s;
    let setupS2c = this.closedSetupS2c;
    const p = this.plain ? { ...this.plain } : null;
    for (const [socket, mark] of this.live) {
      const outer = mark.raw ?? socket;
      c2s += outer.bytesRead;
      s2c += outer.bytesWritten;
      setupC2s += mark.setupC2s;
      setupS2c += mark.setupS2c;
      if (p && mark.raw) {
        p.c2s += socket.bytesRead;
        p.s2c += socket.bytesWritten;
        p.setupC2s += mark.plainSetupC2s!;
        p.setupS2c += mark.plainSetupS2c!;
      }
    }
    return {
      setup: { c2sBytes: setupC2s, s2cBytes: setupS2c },
      total: { c2sBytes: c2s, s2cBytes: s2c },
      connections: this.live.size,
      connectionsOpened: this.opened,
      ...(p
        ? {
            plaintext: {
              setup: { c2sBytes: p.setupC2s, s2cBytes: p.setupS2c },
              total: { c2sBytes: p.c2s, s2cBytes: p.s2c },
              version: p.version,
              cipher: p.cipher,
            },
          }
        : {}),
    };
  }
}
