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
import { addFrames, addWrite, type ModelBytes, type ModelPart } from '../client.js';
import { addH2Bytes } from '../../protocol/h2/client.js';
import { emptyH2Bytes, type H2Bytes } from '../../protocol/h2/frames.js';
import { tlsRecords } from '../../protocol/tls.js';

/** A poll's request head: the head without the cursor plus the cursor's decimal digits. */
export function pollRequestBytes(headWithoutCursorBytes: number, cursor: number): number {
  return headWithoutCursorBytes + decimalDigits(cursor);
}

/** What one polling client's exchanges add to its worker's modelled bytes. */
export class PollingModel {
  /** The request written last and not yet answered. */
  private pending: { cursor: number; c2s: number; c2sKinds?: H2Bytes } | null = null;
  /**
   * Exchanges asked at the latest cursor, not yet counted: they are after the window if that cursor is the last.
   * `c2sRecords`, `s2cRecords`: the writes among them (one TLS record each, per 16 KB).
   */
  private tail: Tail = emptyTail();

  constructor(private readonly m: ModelBytes) {}

  /**
   * The subscribe exchange was answered. Over HTTP/2 the `*Kinds` arguments give the same bytes by frame kind (the
   * preface and SETTINGS are part of the subscribe exchange's bytes).
   */
  subscribed(requestBytes: number, responseBytes: number, requestKinds?: H2Bytes, responseKinds?: H2Bytes): void {
    addWrite(this.m, 'setupC2s', requestBytes);
    addWrite(this.m, 'setupS2c', responseBytes);
    addFrames(this.m, 'setupC2s', requestKinds, requestKinds ? 1 : 0);
    addFrames(this.m, 'setupS2c', responseKinds);
  }

  /** A poll was written with this cursor. */
  requested(cursor: number, requestBytes: number, requestKinds?: H2Bytes): void {
    if (this.pending) this.exchange(this.pending.cursor, this.pending.c2s, 0, this.pending.c2sKinds);
    this.pending = { cursor, c2s: requestBytes, ...(requestKinds ? { c2sKinds: requestKinds } : {}) };
  }

  /** The pending poll was answered with `responseBytes` (head and body); `messages`: whether it carried any. */
  answered(responseBytes: number, messages: boolean, responseKinds?: H2Bytes): void {
    const p = this.pending ?? { cursor: -1, c2s: 0, c2sKinds: undefined };
    this.pending = null;
    if (p.cursor === 0 && !messages) {
      addWrite(this.m, 'preC2s', p.c2s);
      addWrite(this.m, 'preS2c', responseBytes);
      addFrames(this.m, 'preC2s', p.c2sKinds, p.c2sKinds ? 1 : 0);
      addFrames(this.m, 'preS2c', responseKinds);
      return;
    }
    this.exchange(p.cursor, p.c2s, responseBytes, p.c2sKinds, responseKinds);
  }

  /** Publishing ended at `lastSeq`: count what was held back, after the window when asked at the last cursor. */
  settle(lastSeq: number): void {
    if (this.pending) this.exchange(this.pending.cursor, this.pending.c2s, 0, this.pending.c2sKinds);
    this.pending = null;
    const after = this.tail.cursor >= lastSeq;
    this.flush(after ? 'postC2s' : 'c2s', after ? 'postS2c' : 's2c');
    this.tail = emptyTail();
  }

  private flush(c2sPart: ModelPart, s2cPart: ModelPart): void {
    const t = this.tail;
    addWrite(this.m, c2sPart, t.c2s, t.c2sRecords);
    addWrite(this.m, s2cPart, t.s2c, t.s2cRecords);
    if (t.kinds) {
      addFrames(this.m, c2sPart, t.kinds.c2s, t.kinds.requests);
      addFrames(this.m, s2cPart, t.kinds.s2c);
    }
  }

  private exchange(cursor: number, c2s: number, s2c: number, c2sKinds?: H2Bytes, s2cKinds?: H2Bytes): void {
    const c2sRecords = c2s > 0 ? tlsRecords(c2s) : 0;
    const s2cRecords = s2c > 0 ? tlsRecords(s2c) : 0;
    if (cursor !== this.tail.cursor) {
      // A newer cursor: the exchanges at the older one were inside the window.
      this.flush('c2s', 's2c');
      this.tail = { cursor, c2s: 0, s2c: 0, c2sRecords: 0, s2cRecords: 0 };
    }
    const t = this.tail;
    t.c2s += c2s;
    t.s2c += s2c;
    t.c2sRecords += c2sRecords;
    t.s2cRecords += s2cRecords;
    if (c2sKinds || s2cKinds) {
      const k = (t.kinds ??= { c2s: emptyH2Bytes(), s2c: emptyH2Bytes(), requests: 0 });
      if (c2sKinds) {
        addH2Bytes(k.c2s, c2sKinds);
        k.requests++;
      }
      if (s2cKinds) addH2Bytes(k.s2c, s2cKinds);
    }
  }
}

interface Tail {
  cursor: number;
  c2s: number;
  s2c: number;
  c2sRecords: number;
  s2cRecords: number;
  /** Over HTTP/2: the same exchanges by frame kind, and the requests among them. */
  kinds?: { c2s: H2Bytes; s2c: H2Bytes; requests: number };
}

const emptyTail = (): Tail => ({ cursor: -1, c2s: 0, s2c: 0, c2sRecords: 0, s2cRecords: 0 });
