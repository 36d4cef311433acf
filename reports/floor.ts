/** The table of a `pushbench floor` results file: a pure function, shared by the command and `pushbench docs`. */
import { isSpreadPoint, type FloorPoint, type FloorResults } from '../results/floor.js';

const us = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : '-');
const cores = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : '-');

/** min–max of one side's CPU per message over a point's repeats, or '-' for a point measured once. */
function range(p: FloorPoint, side: 'sender' | 'receiver'): string {
  if (!p.repeats || p.repeats.length < 2) return '-';
  const v = p.repeats.map((r) => r[side].cpuUsPerMessage).filter(Number.isFinite);
  return v.length ? `${us(Math.min(...v))}–${us(Math.max(...v))}` : '-';
}

/**
 * A Markdown (or plain, for the terminal) table: one row per connection count, CPU per message on each side. A file
 * measured with `--repeat` shows the medians, how many measurements each is of, and their range.
 */
export function formatFloorTable(results: FloorResults): string {
  const repeated = results.points.some((p) => (p.repeats?.length ?? 0) > 1);
  const head = ['connections', 'processes', 'messages', 'sender user µs', 'sender sys µs', 'sender µs/msg', 'sender cores', 'receiver user µs', 'receiver sys µs', 'receiver µs/msg', 'receiver cores'];
  if (repeated) head.push('runs', 'sender range µs', 'receiver range µs');
  const rows = results.points.map((p) => [
    p.connections.toLocaleString('en-US'),
    `${p.senders ?? 1} + ${p.receivers ?? 1}`,
    p.messages.toLocaleString('en-US'),
    us(p.sender.userUsPerMessage),
    us(p.sender.systemUsPerMessage),
    us(p.sender.cpuUsPerMessage),
    cores(p.sender.cores),
    us(p.receiver.userUsPerMessage),
    us(p.receiver.systemUsPerMessage),
    us(p.receiver.cpuUsPerMessage),
    cores(p.receiver.cores),
    ...(repeated ? [String(p.repeats?.length ?? 1), range(p, 'sender'), range(p, 'receiver')] : []),
  ]);
  return [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/**
 * The floor sizing reads: the one-process point with the most connections (the per-process load a scale run has; a
 * machine with a higher open-files limit holds more in one process, so points spread over processes are left out).
 */
export function floorReference(results: FloorResults): { senderUsPerMessage: number; receiverUsPerMessage: number; connections: number } | null {
  const p = results.points.filter((x) => !isSpreadPoint(x)).sort((a, b) => b.connections - a.connections)[0];
  if (!p) return null;
  return { senderUsPerMessage: p.sender.cpuUsPerMessage, receiverUsPerMessage: p.receiver.cpuUsPerMessage, connections: p.connections };
}
