/** The publisher's lateness per message, summarised; shared by pushbench's servers and the servers it drives. */
import type { PublishLateness } from '../../results/types.js';

const round3 = (n: number): number => Math.round(n * 1000) / 1000;

/** Percentiles of the publisher's lateness (nearest rank), one figure per message. Exported for tests. */
export function latenessOf(lateMs: readonly number[]): PublishLateness {
  const sorted = [...lateMs].sort((a, b) => a - b);
  const at = (q: number): number => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]! : 0);
  return { messages: sorted.length, p50Ms: round3(at(0.5)), p99Ms: round3(at(0.99)), maxMs: round3(sorted[sorted.length - 1] ?? 0) };
}

/** Several server processes publish the same schedule: each field is the worst process's. */
export function worstLateness(parts: readonly PublishLateness[]): PublishLateness {
  return {
    messages: Math.max(0, ...parts.map((p) => p.messages)),
    p50Ms: Math.max(0, ...parts.map((p) => p.p50Ms)),
    p99Ms: Math.max(0, ...parts.map((p) => p.p99Ms)),
    maxMs: Math.max(0, ...parts.map((p) => p.maxMs)),
  };
}
