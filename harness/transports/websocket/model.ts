/**
 * Wire model of WebSocket (RFC 6455, and hixie-76 for the 2010 comparison): set-up is the upgrade request and the
 * 101 response; every data frame after it is a server frame header and its payload. Nothing crosses the wire between
 * the handshake and the first message or after the last, so all the rest is inside the measurement window.
 */
import { createHash } from 'node:crypto';
import { httpHeadBytes, type HeaderList } from '../../protocol/framing.js';
import { addFrames, addWrite, type ModelBytes } from '../client.js';
import type { H2Bytes } from '../../protocol/h2/frames.js';

/** RFC 6455 §5.2 header for one unfragmented frame; a client adds the 4-byte masking key (§5.3). */
export function wsFrameHeaderBytes(payloadBytes: number, masked: boolean): number {
  const base = payloadBytes <= 125 ? 2 : payloadBytes <= 0xffff ? 4 : 10;
  return base + (masked ? 4 : 0);
}

/** hixie-76 text frame: 0x00, UTF-8 data, 0xFF. */
export function hixie76FrameBytes(payloadBytes: number): number {
  return payloadBytes + 2;
}

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** Sec-WebSocket-Accept for a Sec-WebSocket-Key (RFC 6455 §4.2.2). */
export function wsAcceptKey(key: string): string {
  return createHash('sha1').update(key + WS_GUID).digest('base64');
}

/** The 101 response the `ws` server writes: status line, Upgrade, Connection, Accept, then any extra headers. */
export function wsHandshakeResponseHeaders(key: string, extra: HeaderList): HeaderList {
  return [['Upgrade', 'websocket'], ['Connection', 'Upgrade'], ['Sec-WebSocket-Accept', wsAcceptKey(key)], ...extra];
}

export const WS_101_STATUS_LINE = 'HTTP/1.1 101 Switching Protocols';

/** What one WebSocket client's events add to its worker's modelled bytes. */
export class WebSocketModel {
  constructor(private readonly m: ModelBytes) {}

  /** The upgrade was answered (any status): the request head counts. */
  requested(requestBytes: number): void {
    addWrite(this.m, 'setupC2s', requestBytes);
  }

  /**
   * The 101 as `ws` writes it for this key and these extra headers; `receivedHeadBytes`: the head as it arrived, from
   * a server whose heads the profile does not describe (`--server external`).
   */
  upgraded(key: string, extra: HeaderList, receivedHeadBytes?: number): void {
    addWrite(this.m, 'setupS2c', receivedHeadBytes ?? httpHeadBytes(WS_101_STATUS_LINE, wsHandshakeResponseHeaders(key, extra)));
  }

  /** Over HTTP/2 (RFC 8441): the extended CONNECT and its 200, with the preface and SETTINGS, by frame kind. */
  h2Setup(requestBytes: number, responseBytes: number, requestKinds: H2Bytes, responseKinds: H2Bytes): void {
    addWrite(this.m, 'setupC2s', requestBytes);
    addWrite(this.m, 'setupS2c', responseBytes);
    addFrames(this.m, 'setupC2s', requestKinds, 1);
    addFrames(this.m, 'setupS2c', responseKinds);
  }

  /** Over HTTP/2: the frames of one write inside the window (a message's DATA; a WINDOW_UPDATE), by kind. */
  h2Frames(part: 'c2s' | 's2c', bytes: number, kinds: H2Bytes): void {
    addWrite(this.m, part, bytes);
    addFrames(this.m, part, kinds);
  }

  /** A data frame from the server (no mask): header and payload as sent. */
  dataFrame(payloadBytes: number): void {
    addWrite(this.m, 's2c', wsFrameHeaderBytes(payloadBytes, false) + payloadBytes);
  }
}
