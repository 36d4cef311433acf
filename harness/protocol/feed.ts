/**
 * The message feed every transport serves: one topic, `rate` messages per second, `payloadBytes` each.
 * A body is ASCII, identical on every transport: sequence number and publish time (base 36), padded with '.'.
 * Publish time is CLOCK_MONOTONIC in microseconds, which every process on the machine shares, so a client
 * process can subtract it from its own clock to get the latency from publish to receipt.
 */

/** Smallest body that always holds `seq time` with room for 2^31 messages and a year of uptime
 * (the monotonic clock counts from boot). */
export const MIN_PAYLOAD_BYTES = 16;
export const MAX_PAYLOAD_BYTES = 1_048_576;

const PAD = 0x2e; // '.'
const SPACE = 0x20;

/** Monotonic microseconds, comparable across processes on one machine. */
export function nowUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

export function encodeMessage(seq: number, publishUs: number, payloadBytes: number): Buffer {
  const head = `${seq.toString(36)} ${publishUs.toString(36)}`;
  if (head.length > payloadBytes) throw new RangeError(`payload of ${payloadBytes} bytes cannot hold "${head}"`);
  const body = Buffer.alloc(payloadBytes, PAD);
  body.write(head, 0, 'latin1');
  return body;
}

export interface DecodedMessage {
  seq: number;
  publishUs: number;
}

function base36Digit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x7a) return c - 0x61 + 10;
  return -1;
}

/**
 * Reads seq and publish time from bytes [start, end) into `out`, without allocating; false (and `out` unspecified) if
 * the bytes are not a body. The clients read every message with one `out` of their own.
 */
export function readMessage(buf: Uint8Array, start: number, end: number, out: DecodedMessage): boolean {
  let i = start;
  let seq = 0;
  let digits = 0;
  for (; i < end; i++) {
    const d = base36Digit(buf[i]!);
    if (d < 0) break;
    seq = seq * 36 + d;
    digits++;
  }
  if (digits === 0 || i >= end || buf[i] !== SPACE) return false;
  i++;
  let publishUs = 0;
  digits = 0;
  for (; i < end; i++) {
    const d = base36Digit(buf[i]!);
    if (d < 0) break;
    publishUs = publishUs * 36 + d;
    digits++;
  }
  if (digits === 0) return false;
  for (; i < end; i++) if (buf[i] !== PAD) return false;
  out.seq = seq;
  out.publishUs = publishUs;
  return true;
}

/** Reads seq and publish time from bytes [start, end); null if the bytes are not a body. */
export function decodeMessage(buf: Uint8Array, start = 0, end = buf.length): DecodedMessage | null {
  const out = { seq: 0, publishUs: 0 };
  return readMessage(buf, start, end, out) ? out : null;
}

/** Server side: the topic's history, so polls with a cursor can be answered. Sequence numbers start at 1. */
export class Feed {
  readonly payloadBytes: number;
  private readonly bodies: Buffer[] = [];

  constructor(payloadBytes: number) {
    this.payloadBytes = payloadBytes;
  }

  /** Highest sequence number published so far (0 before the first). */
  get lastSeq(): number {
    return this.bodies.length;
  }

  /**
   * Publishes the next message, stamped with the time it was due (open model: a late publisher's lateness counts
   * in the latency, as it would for a real feed), or now.
   */
  publish(publishUs = nowUs()): { seq: number; body: Buffer } {
    const seq = this.bodies.length + 1;
    const body = encodeMessage(seq, publishUs, this.payloadBytes);
    this.bodies.push(body);
    return { seq, body };
  }

  body(seq: number): Buffer {
    const body = this.bodies[seq - 1];
    if (!body) throw new RangeError(`no message ${seq}`);
    return body;
  }

  /** Every body after `cursor`, newline-delimited: the poll response body. */
  bodyAfter(cursor: number): { body: Buffer; count: number } {
    const from = Math.max(0, Math.min(cursor, this.bodies.length));
    const count = this.bodies.length - from;
    if (count === 0) return { body: EMPTY, count: 0 };
    const parts: Buffer[] = [];
    for (let i = from; i < this.bodies.length; i++) parts.push(this.bodies[i]!, NEWLINE);
    return { body: Buffer.concat(parts), count };
  }
}

const EMPTY = Buffer.alloc(0);
export const NEWLINE = Buffer.from('\n');
