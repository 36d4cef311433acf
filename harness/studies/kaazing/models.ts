/**
 * What the article counted, computed: each profile's poll exchange and the frame overheads, from the same framing
 * models (harness/protocol/framing.ts) and profile heads (harness/protocol/profiles.ts) the transports are checked
 * against at the socket. Pure functions.
 */
import { decimalDigits, hixie76FrameBytes, httpHeadBytes, httpHeadVisibleChars, TCP_IP_HEADER_BYTES_PER_SEGMENT, wsFrameHeaderBytes } from '../../protocol/framing.js';
import { fillHeaders, type HeaderProfile } from '../../protocol/profiles.js';
import type { FramingModel, ProfileHeads } from '../../../reports/kaazing.js';

/** The poll exchange of a profile, counted with the framing models: what the article counted and what goes on the wire. */
export function profileHeads(profile: HeaderProfile, payloadBytes: number, sinceSeq: number): ProfileHeads {
  const host = '127.0.0.1:8080';
  const requestLine = `GET ${profile.paths.poll} HTTP/1.1`;
  const request = fillHeaders(profile.requests.poll, { host });
  const statusLine = 'HTTP/1.1 200 OK';
  const response = fillHeaders(profile.responses.poll, { length: payloadBytes, date: 'x'.repeat(29) });
  const wsRequest = fillHeaders(profile.requests.websocket, { host, key: 'x'.repeat(24) });
  return {
    profile: profile.name,
    description: profile.description,
    requestLines: request.length + 1,
    responseLines: response.length + 1,
    requestVisibleChars: httpHeadVisibleChars(requestLine, request),
    responseVisibleChars: httpHeadVisibleChars(statusLine, response),
    requestWireBytes: httpHeadBytes(requestLine, request),
    responseWireBytes: httpHeadBytes(statusLine, response),
    sinceBytes: '?since='.length + decimalDigits(sinceSeq),
    sinceExample: `?since=${sinceSeq}`,
    websocketRequestWireBytes: httpHeadBytes(`GET ${profile.paths.websocket} HTTP/1.1`, wsRequest),
  };
}

/** RFC 6455 frame headers by direction, hixie-76's frame overhead and TCP/IP's per-segment headers for one payload. */
export function framingModel(payloadBytes: number): FramingModel {
  return {
    payloadBytes,
    wsServerToClientHeaderBytes: wsFrameHeaderBytes(payloadBytes, false),
    wsClientToServerHeaderBytes: wsFrameHeaderBytes(payloadBytes, true),
    hixie76FrameOverheadBytes: hixie76FrameBytes(payloadBytes) - payloadBytes,
    tcpIpHeaderBytesPerSegment: TCP_IP_HEADER_BYTES_PER_SEGMENT,
  };
}
