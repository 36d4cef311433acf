/**
 * Counts bytes at the server's sockets, per direction, and splits them into set-up and steady state.
 * The counters are the kernel-facing ones Node keeps for every socket (`bytesRead`, `bytesWritten`): every byte of
 * heads, handshakes, chunk-size lines, SSE field names, frame headers and masks, and nothing of TCP/IP.
 */
import type net from 'node:net';
import type { DirectionBytes } from '../../results/types.js';

interface SocketMark {
  setupC2s: number;
  setupS2c: number;
  marked: boolean;
}

/** Totals a server process reports at the end of the window; added across processes. */
export interface WireTotals {
  setup: DirectionBytes;
  /** All bytes, setup included, up to the snapshot. */
  total: DirectionBytes;
  connections: number;
  connectionsOpened: number;
}

export class WireLedger {
  private readonly live = new Map<net.Socket, SocketMark>();
  private closedC2s = 0;
  private closedS2c = 0;
  private closedSetupC2s = 0;
  private closedSetupS2c = 0;
  private opened = 0;

  /** Call on every accepted socket (the http server's 'connection' event). */
  track(socket: net.Socket): void {
    this.opened++;
    const mark: SocketMark = { setupC2s: 0, setupS2c: 0, marked: false };
    this.live.set(socket, mark);
    socket.once('close', () => {
      this.closedC2s += socket.bytesRead;
      this.closedS2c += socket.bytesWritten;
      this.closedSetupC2s += mark.setupC2s;
      this.closedSetupS2c += mark.setupS2c;
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
    mark.setupC2s = socket.bytesRead;
    mark.setupS2c = socket.bytesWritten;
    mark.marked = true;
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
    let c2s = this.closedC2s;
    let s2c = this.closedS2c;
    let setupC2s = this.closedSetupC2s;
    let setupS2c = this.closedSetupS2c;
    for (const [socket, mark] of this.live) {
      c2s += socket.bytesRead;
      s2c += socket.bytesWritten;
      setupC2s += mark.setupC2s;
      setupS2c += mark.setupS2c;
    }
    return {
      setup: { c2sBytes: setupC2s, s2cBytes: setupS2c },
      total: { c2sBytes: c2s, s2cBytes: s2c },
      connections: this.live.size,
      connectionsOpened: this.opened,
    };
  }
}
