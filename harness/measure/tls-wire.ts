/**
 * Bytes of a TLS server at both layers, with the same four-part split as in clear text (harness/measure/wire.ts):
 * one ledger counts the plaintext at each TLS socket, another the ciphertext at the TCP socket under it, and every
 * boundary the transports mark is marked in both.
 *
 * The ciphertext of a response exists only once Node's HTTP layer has uncorked its socket (next tick) and TLS has
 * encrypted it and handed it to the TCP socket — later still when an earlier encrypted write is in flight. So the
 * ciphertext marks that follow a write (set-up, a poll's response) wait until the TLS socket holds nothing unwritten
 * (`whenWritten`); the bytes read are taken at once, since the next request may arrive before that. Nothing else can be written to that socket in between: the client has not had the answer yet,
 * and publishing starts only after every client subscribed. A push socket's window opens before a write, when both
 * layers agree.
 */
import type net from 'node:net';
import type tls from 'node:tls';
import { WireLedger, type WireTotals } from './wire.js';

/** The plaintext layer of a TLS server, beside its ciphertext totals. */
export type PlaintextTotals = Omit<WireTotals, 'plaintext'> & {
  /** Negotiated protocol and cipher suite of the first TLS connection, e.g. `TLSv1.3`, `TLS_AES_256_GCM_SHA384`. */
  version: string;
  cipher: string;
};

/** The TCP socket a server-side TLS socket was made from. */
function rawOf(socket: net.Socket): net.Socket {
  return (socket as unknown as { _parent?: net.Socket })._parent ?? socket;
}

/**
 * Runs `fn` once every write to the TLS socket has completed: a TLS write completes only after its ciphertext was
 * handed to the TCP socket, whose counters then hold it.
 */
function whenWritten(socket: net.Socket, fn: () => void): void {
  const check = (): void => {
    if (socket.writableLength === 0 || socket.destroyed) fn();
    else setImmediate(check);
  };
  setImmediate(check);
}

export class TlsWireLedger extends WireLedger {
  private readonly plain = new WireLedger();
  /**
   * Ciphertext marks waiting for a write to complete, per TLS socket: a request read meanwhile (its client already
   * had the answer) is marked after them, in order.
   */
  private readonly waiting = new Map<net.Socket, Array<() => void>>();

  /** Runs `op` on the ciphertext ledger after `socket`'s writes complete (`afterWrite`) or after earlier waiting marks. */
  private cipher(socket: net.Socket, afterWrite: boolean, op: () => void): void {
    const queue = this.waiting.get(socket);
    if (queue) {
      queue.push(op);
      return;
    }
    if (!afterWrite) return op();
    const q = [op];
    this.waiting.set(socket, q);
    whenWritten(socket, () => {
      this.waiting.delete(socket);
      for (const f of q) f();
    });
  }
  private negotiated: { version: string; cipher: string } | null = null;

  /** Call with each TLS socket ('secureConnection'). */
  override track(socket: net.Socket): void {
    this.negotiated ??= {
      version: (socket as tls.TLSSocket).getProtocol() ?? 'unknown',
      cipher: (socket as tls.TLSSocket).getCipher()?.standardName ?? 'unknown',
    };
    this.plain.track(socket);
    super.track(rawOf(socket));
  }

  override markSetup(socket: net.Socket): void {
    this.plain.markSetup(socket);
    const raw = rawOf(socket);
    // What the client sent is all read by now (it waits for this answer); what is written is not yet all out.
    const c2s = raw.bytesRead;
    this.cipher(socket, true, () => super.markSetup(raw, { c2s, s2c: raw.bytesWritten }));
  }

  /**
   * node:http2 writes through TLS natively, so the TLS socket never holds what it was given: once its send has run,
   * the ciphertext is on the TCP socket. Waiting for another immediate would let the next request in first.
   */
  override markSetupWritten(socket: net.Socket): void {
    this.plain.markSetup(socket);
    const raw = rawOf(socket);
    this.cipher(socket, false, () => super.markSetup(raw, { c2s: raw.bytesRead, s2c: raw.bytesWritten }));
  }

  override respondedWritten(socket: net.Socket, beforeWindow: boolean): void {
    this.plain.responded(socket, beforeWindow);
    const raw = rawOf(socket);
    this.cipher(socket, false, () => super.responded(raw, beforeWindow, { c2s: raw.bytesRead, s2c: raw.bytesWritten }));
  }

  override beginWindow(sockets: Iterable<net.Socket>): void {
    const list = [...sockets];
    this.plain.beginWindow(list);
    super.beginWindow(list.map(rawOf));
  }

  override responded(socket: net.Socket, beforeWindow: boolean): void {
    this.plain.responded(socket, beforeWindow);
    const raw = rawOf(socket);
    const c2s = raw.bytesRead;
    this.cipher(socket, true, () => super.responded(raw, beforeWindow, { c2s, s2c: raw.bytesWritten }));
  }

  override requested(socket: net.Socket, since: number): void {
    // The server sets `finalSeq` on this ledger when publishing starts; the inner one follows it.
    this.plain.finalSeq = this.finalSeq;
    this.plain.requested(socket, since);
    this.cipher(socket, false, () => super.requested(rawOf(socket), since));
  }

  override snapshot(): WireTotals {
    const cipher = super.snapshot();
    return { ...cipher, plaintext: { ...this.plain.snapshot(), ...(this.negotiated ?? { version: 'unknown', cipher: 'unknown' }) } };
  }
}
