/**
 * The publish pattern: when each client's message k is due.
 *
 * - `broadcast`: message k is due for every client at `startUs + (k - 1) × period` (period = 1/rate), one room.
 * - `staggered`: each connection has its own phase within the period, as per-user feeds do. Phases are grouped into
 *   K slots per period (`staggerSlots`), slot j at `j × period / K`, so the server keeps one timer and prepares one
 *   frame per slot and message, not per client; K is at most one slot per millisecond (Node's timer resolution) and
 *   at most `MAX_STAGGER_SLOTS`.
 *
 * Either way the server walks one schedule of events, event e being message `floor(e / K) + 1` for slot `e mod K`,
 * due at `startUs + e × period / K` (broadcast is K = 1). Each event's body carries that due time, so a client's
 * latency is measured from when the message was due *for that client*, and the publisher's lateness per event.
 *
 * A server process learns a connection's slot from the order it accepted it in: connection i gets slot
 * `floor(vdc(i) × K)`, where vdc is the base-2 van der Corput sequence (i's bits mirrored after the binary point).
 * Any first n connections of a process are then spread evenly over the period, whatever n is, so cluster workers
 * (each holding its share of the clients, handed out round-robin) spread theirs too; nothing goes on the wire, so
 * every byte count and its model are the same in both patterns.
 */
import type { PublishPattern } from '../../results/types.js';

/**
 * At most this many phases per period: 1 ms apart at 1 message/s, as fine as Node's timers can keep them. Measured at
 * 10,000 WebSocket clients (README, "Publish pattern"): spreading the writes costs the server CPU per message whatever
 * the slot count (fewer writes per wake-up), more with more slots, and most with one phase per client (a frame
 * prepared per client, and no finer in time than 1,000 slots); 1,000 slots keep bursts at clients / 1,000.
 */
export const MAX_STAGGER_SLOTS = 1000;
/** Slots closer than this cannot be kept apart by Node's timers (1 ms resolution). */
export const MIN_SLOT_US = 1000;

/** Slots per period for a pattern at a rate: 1 for a broadcast. */
export function staggerSlots(pattern: PublishPattern | undefined, rate: number, maxSlots = MAX_STAGGER_SLOTS): number {
  if (pattern !== 'staggered') return 1;
  const periodUs = 1e6 / rate;
  return Math.max(1, Math.min(maxSlots, Math.floor(periodUs / MIN_SLOT_US)));
}

/** Base-2 van der Corput: `i`'s binary digits mirrored after the point, in [0, 1). vdc(1) = 0.5, vdc(2) = 0.25, vdc(3) = 0.75. */
export function vanDerCorput(i: number): number {
  let x = 0;
  let f = 0.5;
  for (let n = i; n > 0; n = Math.floor(n / 2), f /= 2) if (n % 2 === 1) x += f;
  return x;
}

/** The slot of the `index`-th connection (0-based) a server process accepted, of `slots`. */
export function slotOf(index: number, slots: number): number {
  return slots <= 1 ? 0 : Math.min(slots - 1, Math.floor(vanDerCorput(index) * slots));
}

/** Event `e` of the schedule: which message, for which slot, due when (monotonic µs, rounded like the feed's). */
export function scheduleEvent(e: number, startUs: number, rate: number, slots: number): { seq: number; slot: number; dueUs: number } {
  return { seq: Math.floor(e / slots) + 1, slot: e % slots, dueUs: Math.round(startUs + e * (1e6 / (rate * slots))) };
}

/** The phase of a slot within the period, in microseconds. */
export function slotPhaseUs(slot: number, rate: number, slots: number): number {
  return (slot * 1e6) / (rate * slots);
}
