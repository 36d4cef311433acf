/**
 * The transport registry: one name, one server factory, one client factory. Each transport family lives in a folder
 * of its own under `harness/transports/` (server, client and wire model side by side); variants of one family
 * (short and long polling, SSE and HTTP streaming) are registered here with their option. Adding a transport is
 * adding a folder and a line here; the shared contract test runs against every entry.
 */
import type { ClientFactory } from './client.js';
import type { ExchangeKind } from '../protocol/profiles.js';
import type { ServerFactory } from './server.js';
import { TRANSPORT_NAMES, type TransportName } from '../../results/types.js';
import { UsageError } from '../errors.js';

export interface TransportEntry {
  name: TransportName;
  /** Which profile heads it uses. */
  kind: ExchangeKind;
  /** The folder under harness/transports/ that holds its server, client and wire model. */
  family: 'polling' | 'streams' | 'websocket';
  description: string;
  server(): Promise<ServerFactory>;
  client(): Promise<ClientFactory>;
}

const polling = (hold: boolean) => ({
  family: 'polling' as const,
  server: async (): Promise<ServerFactory> => {
    const { createPollingServer } = await import('./polling/server.js');
    return (ctx) => createPollingServer(ctx, hold);
  },
  client: async (): Promise<ClientFactory> => {
    const { createPollingClient } = await import('./polling/client.js');
    return (ctx) => createPollingClient(ctx, hold);
  },
});

const streams = (sse: boolean) => ({
  family: 'streams' as const,
  server: async (): Promise<ServerFactory> => {
    const { createStreamServer, SSE_FRAMING, STREAM_FRAMING } = await import('./streams/server.js');
    return (ctx) => createStreamServer(ctx, sse ? SSE_FRAMING : STREAM_FRAMING);
  },
  client: async (): Promise<ClientFactory> => {
    const { createStreamClient } = await import('./streams/client.js');
    return (ctx) => createStreamClient(ctx, sse);
  },
});

const websocket = {
  family: 'websocket' as const,
  server: async (): Promise<ServerFactory> => (await import('./websocket/server.js')).createServer,
  client: async (): Promise<ClientFactory> => (await import('./websocket/client.js')).createClient,
};

export const TRANSPORTS: Record<TransportName, TransportEntry> = {
  'short-polling': { name: 'short-polling', kind: 'poll', description: 'GET every interval with a cursor; empty answer when nothing is new', ...polling(false) },
  'long-polling': { name: 'long-polling', kind: 'poll', description: 'GET held by the server until a message exists or a timeout', ...polling(true) },
  sse: { name: 'sse', kind: 'sse', description: 'text/event-stream with id: fields; resumes with Last-Event-ID', ...streams(true) },
  'http-streaming': { name: 'http-streaming', kind: 'stream', description: 'one forever chunked response, one chunk per message', ...streams(false) },
  websocket: { name: 'websocket', kind: 'websocket', description: 'RFC 6455 via the ws package', ...websocket },
};

export function parseTransports(list: string): TransportName[] {
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw new UsageError(`--transports needs at least one of: ${TRANSPORT_NAMES.join(', ')}`);
  for (const n of names) {
    if (!(TRANSPORT_NAMES as readonly string[]).includes(n)) {
      throw new UsageError(`unknown transport "${n}"; choose from: ${TRANSPORT_NAMES.join(', ')}`);
    }
  }
  return [...new Set(names)] as TransportName[];
}
