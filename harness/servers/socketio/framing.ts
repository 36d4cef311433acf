/**
 * The wire model of Socket.IO v4 from its two specifications (Engine.IO protocol v4 and Socket.IO protocol v5).
 * Pure functions.
 *
 * Engine.IO packets are a type digit and data: 0 open (JSON handshake), 1 close, 2 ping, 3 pong, 4 message,
 * 5 upgrade, 6 noop. Since v4 the server pings every `pingInterval` and the client answers pong. Over HTTP long
 * polling a payload of several packets joins them with the record separator `\x1e`; over WebSocket each packet is
 * one frame. A Socket.IO packet rides in an Engine.IO message: its type digit (0 CONNECT, 1 DISCONNECT, 2 EVENT,
 * 3 ACK, 4 CONNECT_ERROR, 5 BINARY_EVENT, 6 BINARY_ACK), the namespace when not `/`, then JSON: an EVENT on the main
 * namespace is `42["name",data]`.
 */
import { wsFrameHeaderBytes } from '../../protocol/framing.js';

export const EIO = { open: '0', close: '1', ping: '2', pong: '3', message: '4', upgrade: '5', noop: '6' } as const;
export const SIO = { connect: '0', disconnect: '1', event: '2', ack: '3', connectError: '4' } as const;
export const RECORD_SEPARATOR = '\x1e';
/** The event name pushbench publishes the feed under. */
export const EVENT_NAME = 'm';

/** Engine.IO message carrying a Socket.IO EVENT with one string argument: `42["m","BODY"]`. */
export function eventPacket(data: string, event = EVENT_NAME): string {
  return EIO.message + SIO.event + JSON.stringify([event, data]);
}

/** Bytes of `eventPacket` for ASCII data that JSON needs not escape (pushbench's bodies: base 36 and dots). */
export function eventPacketBytes(dataBytes: number, event = EVENT_NAME): number {
  return 2 + '["'.length + Buffer.byteLength(event) + '","'.length + dataBytes + '"]'.length;
}

/** An HTTP long-polling payload: the packets, one `\x1e` between each two. */
export function pollingPayloadBytes(packetBytes: readonly number[]): number {
  return packetBytes.length === 0 ? 0 : packetBytes.reduce((a, b) => a + b, 0) + packetBytes.length - 1;
}

export function encodePollingPayload(packets: readonly string[]): string {
  return packets.join(RECORD_SEPARATOR);
}

export function decodePollingPayload(payload: string): string[] {
  return payload === '' ? [] : payload.split(RECORD_SEPARATOR);
}

/** A packet in its own WebSocket frame from the server (unmasked) or the client (masked: 4 more bytes). */
export function wsPacketBytes(packetBytes: number, fromClient: boolean): number {
  return wsFrameHeaderBytes(packetBytes, fromClient) + packetBytes;
}

/** The Engine.IO open packet's handshake, as the server sends it. */
export interface Handshake {
  sid: string;
  upgrades: string[];
  pingInterval: number;
  pingTimeout: number;
  maxPayload: number;
}

/** Reads an open packet (`0{...}`); null when the packet is not one. */
export function parseOpen(packet: string): Handshake | null {
  if (packet[0] !== EIO.open) return null;
  try {
    const h = JSON.parse(packet.slice(1)) as Handshake;
    return typeof h.sid === 'string' ? h : null;
  } catch {
    return null;
  }
}

/**
 * The event data of `42["m","BODY"]` read in place, as bytes [start, end) of `packet` from `from`, or null when the
 * packet is not exactly that (then it is no feed message).
 */
export function eventDataRange(buf: Buffer, from: number, to: number, event = EVENT_NAME): [number, number] | null {
  const head = `42["${event}","`;
  if (to - from < head.length + 2) return null;
  if (buf.toString('latin1', from, from + head.length) !== head) return null;
  if (buf[to - 2] !== 0x22 || buf[to - 1] !== 0x5d) return null;
  return [from + head.length, to - 2];
}
