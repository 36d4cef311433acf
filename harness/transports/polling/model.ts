/**
 * Wire model of short and long polling (RFC 9112): set-up is the subscribe request (no cursor) and its answer; then
 * every poll is a request head with the cursor's digits and a response head with its Content-Length's digits, plus
 * the body. Each exchange falls in one part of the run, by what both sides can tell from it alone:
 * - before the window: asked with cursor 0 and answered with no message (nothing was published yet: the server would
 *   have answered a cursor of 0 with message 1 otherwise);
 * - after the window: asked with a cursor that already holds the last message (known once publishing has ended, so
 *   the trailing exchanges at one cursor are held back until `settle` says whether that cursor was the last);
 * - inside it: every other exchange, including a poll asked before the first message and answered with it.
 * The server marks the same boundaries on its sockets (harness/measure/wire.ts), so the two agree to the byte.
 */
import { decimalDigits } from '../../protocol/framing.js';
import { addWrite, type ModelBytes } from '../client.js';
import { tlsRecords } from '../../protocol/tls.js';

/** A poll's request head: the head without the cursor plus the cursor's decimal digits. */
export function pollRequestBytes(headWithoutCursorBytes: number, cursor: number): number {
  return headWithoutCursorBytes + decimalDigits(cursor);
}

/** What one polling client's exchanges add to its worker's modelled bytes. */
export class PollingModel {
  /** The request written last and not yet answered. */
  private pending: { cursor: number; c2s: number } | null = null;
  /**
   * Exchanges asked at the latest cursor, not yet counted: they are after the window if that cursor is the last.
   * `c2sRecords`, `s2cRecords`: the writes among them (one TLS record each, per 16 KB).
   */
  private tail = { cursor: -1, c2s: 0, s2c: 0, c2sRecords: 0, s2cRecords: 0 };

  constructor(private readonly m: ModelBytes) {}

  /** The subscribe exchange was answered. */
  subscribed(requestBytes: number, responseBytes: number): void {
    addWrite(this.m, 'setupC2s', requestBytes);
    addWrite(this.m, 'setupS2c', responseBytes);
  }

  /** A poll was written with this cursor. */
  requested(cursor: number, requestBytes: number): void {
    if (this.pending) this.exchange(this.pending.cursor, this.pending.c2s, 0);
    this.pending = { cursor, c2s: requestBytes };
  }

  /** The pending poll was answered with `responseBytes` (head and body); `messages`: whether it carried any. */
  answered(responseBytes: number, messages: boolean): void {
    const p = this.pending ?? { cursor: -1, c2s: 0 };
    this.pending = null;
    if (p.cursor === 0 && !messages) {
      addWrite(this.m, 'preC2s', p.c2s);
      addWrite(this.m, 'preS2c', responseBytes);
      return;
    }
    this.exchange(p.cursor, p.c2s, responseBytes);
  }

  /** Publishing ended at `lastSeq`: count what was held back, after the window when asked at the last cursor. */
  settle(lastSeq: number): void {
    if (this.pending) this.exchange(this.pending.cursor, this.pending.c2s, 0);
    this.pending = null;
    const t = this.tail;
    const after = t.cursor >= lastSeq;
    addWrite(this.m, after ? 'postC2s' : 'c2s', t.c2s, t.c2sRecords);
    addWrite(this.m, after ? 'postS2c' : 's2c', t.s2c, t.s2cRecords);
    this.tail = { cursor: -1, c2s: 0, s2c: 0, c2sRecords: 0, s2cRecords: 0 };
  }

  private exchange(cursor: number, c2s: number, s2c: number): void {
    const t = this.tail;
    const c2sRecords = c2s > 0 ? tlsRecords(c2s) : 0;
    const s2cRecords = s2c > 0 ? tlsRecords(s2c) : 0;
    if (cursor !== t.cursor) {
      // A newer cursor: the exchanges at the older one were inside the window.
      addWrite(this.m, 'c2s', t.c2s, t.c2sRecords);
      addWrite(this.m, 's2c', t.s2c, t.s2cRecords);
      this.tail = { cursor, c2s, s2c, c2sRecords, s2cRecords };
      return;
    }
    t.c2s += c2s;
    t.s2c += s2c;
    t.c2sRecords += c2sRecords;
    t.s2cRecords += s2cRecords;
  }
}
