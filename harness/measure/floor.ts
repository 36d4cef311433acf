/**
 * The floor: CPU per message of a bare sender and a bare receiver on loopback sockets, measured on the machine at
 * hand. The sender writes one prepared frame to every socket per tick; the receiver reads into one shared buffer.
 * Nothing a transport does can cost less per message than this (the kernel's loopback path is most of it), so every
 * run's CPU per message is shown as a multiple of it. Sender and receiver are separate processes, as server and
 * clients are in a run.
 */
import { spawnChild, type Child } from '../run/children.js';
import { FD_RESERVE } from '../run/plan.js';
import type { FloorCost, FloorPoint } from '../../results/floor.js';

export type FloorToChild =
  | { type: 'serve'; host: string }
  | { type: 'connect'; host: string; port: number; count: number }
  | { type: 'start'; role: 'sender'; frame: Uint8Array; ticks: number; periodMs: number; connections: number }
  | { type: 'start'; role: 'receiver'; expectedBytes: number }
  | { type: 'stop' };

/** Raw CPU of one side over its window, as a child reports it. */
export interface FloorSideCost {
  userUs: number;
  systemUs: number;
  messages: number;
  wallS: number;
  receivedBytes?: number;
}

export type FloorFromChild =
  | { type: 'listening'; port: number }
  | { type: 'connected'; count: number }
  | { type: 'ready' }
  | { type: 'done'; cost: FloorSideCost }
  | { type: 'fatal'; message: string; code?: string };

/** A WebSocket text frame (RFC 6455 §5.2, server to client, unmasked) around `payloadBytes` bytes: 23 B for 21. */
export function floorFrame(payloadBytes: number): Buffer {
  if (payloadBytes > 125) throw new RangeError('floor frames use the 7-bit length form: at most 125 payload bytes');
  const frame = Buffer.alloc(2 + payloadBytes, 0x61);
  frame[0] = 0x81;
  frame[1] = payloadBytes;
  return frame;
}

/** Per-message figures of one side: CPU over messages delivered, and CPU per second of its window. */
export function floorCost(raw: Pick<FloorSideCost, 'userUs' | 'systemUs' | 'wallS'>, messages: number): FloorCost {
  const per = (us: number): number => (messages > 0 ? us / messages : Number.NaN);
  return {
    userUsPerMessage: per(raw.userUs),
    systemUsPerMessage: per(raw.systemUs),
    cpuUsPerMessage: per(raw.userUs + raw.systemUs),
    cores: raw.wallS > 0 ? (raw.userUs + raw.systemUs) / 1e6 / raw.wallS : Number.NaN,
  };
}

/** The largest socket count one process can hold under an open-files limit, leaving the usual reserve. */
export function floorMaxConnections(openFiles: number): number {
  return Math.max(1, openFiles - FD_RESERVE);
}

/**
 * How many times the floor a measured cost is: e.g. a server at 12.2 µs/msg against a 10.1 µs floor is 1.21×.
 * Null when either is missing or not positive.
 */
export function floorRatio(measuredUsPerMessage: number | null | undefined, floorUsPerMessage: number | null | undefined): number | null {
  if (measuredUsPerMessage == null || floorUsPerMessage == null) return null;
  if (!(measuredUsPerMessage > 0) || !(floorUsPerMessage > 0)) return null;
  return measuredUsPerMessage / floorUsPerMessage;
}

export interface FloorOptions {
  counts: number[];
  host: string;
  payloadBytes: number;
  rate: number;
  durationS: number;
}

type FloorChild = Child<FloorToChild, FloorFromChild>;

/** Measures one connection count: connect, hold `durationS` of broadcasts at `rate`, read both sides' CPU. */
export async function measureFloorPoint(opts: FloorOptions, connections: number): Promise<FloorPoint> {
  const sender: FloorChild = spawnChild('floor-child', 'floor sender');
  const receiver: FloorChild = spawnChild('floor-child', 'floor receiver');
  try {
    sender.send({ type: 'serve', host: opts.host });
    const { port } = await sender.next<{ type: 'listening'; port: number }>('listening', 10_000);
    receiver.send({ type: 'connect', host: opts.host, port, count: connections });
    await receiver.next('connected', 60_000 + connections * 5);
    const frame = floorFrame(opts.payloadBytes);
    const ticks = Math.max(1, Math.round(opts.rate * opts.durationS));
    receiver.send({ type: 'start', role: 'receiver', expectedBytes: frame.length * ticks * connections });
    // The receiver must have zeroed its count before the first frame leaves: the two children's IPC is not ordered.
    await receiver.next('ready', 10_000);
    const receiverDone = receiver.next<{ type: 'done'; cost: FloorSideCost }>('done', opts.durationS * 1000 + 60_000);
    sender.send({ type: 'start', role: 'sender', frame, ticks, periodMs: 1000 / opts.rate, connections });
    const s = await sender.next<{ type: 'done'; cost: FloorSideCost }>('done', opts.durationS * 1000 + 60_000);
    const r = await receiverDone;
    const delivered = Math.floor((r.cost.receivedBytes ?? 0) / frame.length);
    if (delivered !== s.cost.messages) throw new Error(`floor: ${s.cost.messages} frames written but ${delivered} read`);
    return { connections, ticks, messages: delivered, sender: floorCost(s.cost, delivered), receiver: floorCost(r.cost, delivered) };
  } finally {
    sender.send({ type: 'stop' });
    receiver.send({ type: 'stop' });
  }
}
