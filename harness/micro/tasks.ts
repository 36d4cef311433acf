/**
 * Micro-benchmark tasks: the per-message and per-connection work whose cost a transport pays on the server.
 * Each task does `opsPerCall` operations per call so that one call lasts well above the timer's resolution.
 */
import { encodeMessage, decodeMessage } from '../protocol/feed.js';
import {
  chunkBytes,
  httpHeadBytes,
  httpHeadString,
  sseEventBytes,
  wsAcceptKey,
  wsFrameHeaderBytes,
  wsHandshakeResponseHeaders,
} from '../protocol/framing.js';
import { fillHeaders, loadProfile } from '../protocol/profiles.js';

/** A task as the micro runner sees it. */
export interface MicroTaskDefinition {
  name: string;
  description: string;
  /** Operations one call of `fn` performs; ns/op = call time / opsPerCall. */
  opsPerCall: number;
  /** Builds the function to time (setup is not timed); `dispose` runs after the last round. */
  prepare(): Promise<{ fn: () => void; dispose?: () => Promise<void> | void }>;
}

/** Results go here so the optimiser cannot drop the work as unused. */
export let blackhole = 0;

const PAYLOAD_BYTES = 21;

function loop(ops: number, body: (i: number) => number): () => void {
  return () => {
    let acc = 0;
    for (let i = 0; i < ops; i++) acc += body(i);
    blackhole = (blackhole + acc) | 0;
  };
}

/** Framing models and feed encoding: pure functions of harness/framing.ts and harness/feed.ts. */
export function framingTasks(profileName = 'minimal'): MicroTaskDefinition[] {
  const ops = 1000;
  const profile = loadProfile(profileName);
  const pollHead = fillHeaders(profile.responses.poll, { length: PAYLOAD_BYTES, date: 'Thu, 01 Jan 2026 00:00:00 GMT' });
  const key = 'dGhlIHNhbXBsZSBub25jZQ==';
  const body = encodeMessage(12345, 987654321, PAYLOAD_BYTES);
  return [
    {
      name: 'framing/httpHeadBytes',
      description: `byte count of the ${profileName} poll response head`,
      opsPerCall: ops,
      prepare: async () => ({ fn: loop(ops, () => httpHeadBytes('HTTP/1.1 200 OK', pollHead)) }),
    },
    {
      name: 'framing/httpHeadString',
      description: `the ${profileName} poll response head as a string`,
      opsPerCall: ops,
      prepare: async () => ({ fn: loop(ops, () => httpHeadString('HTTP/1.1 200 OK', pollHead).length) }),
    },
    {
      name: 'framing/chunkBytes',
      description: 'size of one chunk of a chunked body',
      opsPerCall: ops,
      prepare: async () => ({ fn: loop(ops, (i) => chunkBytes(PAYLOAD_BYTES + (i & 7))) }),
    },
    {
      name: 'framing/sseEventBytes',
      description: 'size of one server-sent event with an id',
      opsPerCall: ops,
      prepare: async () => ({ fn: loop(ops, (i) => sseEventBytes(i, PAYLOAD_BYTES)) }),
    },
    {
      name: 'framing/wsFrameHeaderBytes',
      description: 'size of one RFC 6455 frame header',
      opsPerCall: ops,
      prepare: async () => ({ fn: loop(ops, (i) => wsFrameHeaderBytes(PAYLOAD_BYTES + i, (i & 1) === 1)) }),
    },
    {
      name: 'framing/wsHandshake',
      description: 'Sec-WebSocket-Accept (SHA-1) and the 101 header list, once per connection',
      opsPerCall: 100,
      prepare: async () => ({ fn: loop(100, () => wsHandshakeResponseHeaders(key, profile.responses.websocket).length + wsAcceptKey(key).length) }),
    },
    {
      name: 'feed/encodeMessage',
      description: `one ${PAYLOAD_BYTES}-byte message body`,
      opsPerCall: ops,
      prepare: async () => ({ fn: loop(ops, (i) => encodeMessage(i, 987654321 + i, PAYLOAD_BYTES).length) }),
    },
    {
      name: 'feed/decodeMessage',
      description: `sequence and publish time from a ${PAYLOAD_BYTES}-byte body`,
      opsPerCall: ops,
      prepare: async () => ({ fn: loop(ops, () => decodeMessage(body)!.seq) }),
    },
  ];
}
