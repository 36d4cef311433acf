/**
 * Memory per connection with a noise floor. Resident memory after a full garbage collection still moves by pages and
 * arenas from one reading to the next; a difference of one idle and one connected reading at a few dozen connections
 * is mostly that movement, and can come out negative. So: several readings of each state, their medians, and a figure
 * only when the difference clears the noise; otherwise null and the reason. Never a negative figure.
 */

/** A difference counts only above max(NOISE_FACTOR x the spread of the readings, MIN_SIGNAL_BYTES). */
export const NOISE_FACTOR = 3;
export const MIN_SIGNAL_BYTES = 1 << 20;
/** Readings of each state. */
export const RSS_READINGS = 3;

export const median = (xs: readonly number[]): number => {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : Math.round((s[m - 1]! + s[m]!) / 2);
};
const spread = (xs: readonly number[]): number => (xs.length ? Math.max(...xs) - Math.min(...xs) : 0);

export interface PerConnection {
  idleBytes: number;
  connectedBytes: number;
  bytesPerConnection: number | null;
  noiseBytes: number;
  reason?: string;
}

/**
 * Per connection from readings of every process of one side: `idle[p]` and `connected[p]` are process p's readings.
 * The side's state is the sum of the processes' medians; its noise the sum of their spreads.
 */
export function perConnectionBytes(connections: number, idle: readonly (readonly number[])[], connected: readonly (readonly number[])[]): PerConnection {
  const idleBytes = idle.reduce((a, xs) => a + median(xs), 0);
  const connectedBytes = connected.reduce((a, xs) => a + median(xs), 0);
  const noiseBytes = Math.max(
    idle.reduce((a, xs) => a + spread(xs), 0),
    connected.reduce((a, xs) => a + spread(xs), 0),
  );
  const diff = connectedBytes - idleBytes;
  const floor = Math.max(NOISE_FACTOR * noiseBytes, MIN_SIGNAL_BYTES);
  const base = { idleBytes, connectedBytes, noiseBytes };
  if (connections <= 0) return { ...base, bytesPerConnection: null, reason: 'no connection was open' };
  if (diff <= floor) {
    return {
      ...base,
      bytesPerConnection: null,
      reason: `connected minus idle (${Math.round(diff / 1024)} KiB over ${connections} connections) is within the noise floor of ${Math.round(floor / 1024)} KiB`,
    };
  }
  return { ...base, bytesPerConnection: Math.round(diff / connections) };
}

/**
 * Least-squares slope of resident memory against connections over several client counts (a capacity search, a
 * scale series): bytes per added connection, free of each process's fixed base. Null with fewer than two counts.
 */
export function rssSlope(points: ReadonlyArray<{ connections: number; rssBytes: number }>): number | null {
  const ps = points.filter((p) => Number.isFinite(p.connections) && Number.isFinite(p.rssBytes));
  if (new Set(ps.map((p) => p.connections)).size < 2) return null;
  const mx = ps.reduce((a, p) => a + p.connections, 0) / ps.length;
  const my = ps.reduce((a, p) => a + p.rssBytes, 0) / ps.length;
  let num = 0;
  let den = 0;
  for (const p of ps) {
    num += (p.connections - mx) * (p.rssBytes - my);
    den += (p.connections - mx) ** 2;
  }
  return den > 0 ? Math.max(0, Math.round(num / den)) : null;
}
