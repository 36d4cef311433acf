/**
 * The transport registry: one name, one server module, one client module of the same name. Adding a transport is
 * adding a pair of modules and a line here; the shared contract test runs against every entry.
 */
import type { ClientFactory } from './clients/client.js';
import type { ExchangeKind } from './profiles.js';
import type { ServerFactory } from './servers/server.js';
import { TRANSPORT_NAMES, type TransportName } from './types.js';
import { UsageError } from './errors.js';

export interface TransportEntry {
  name: TransportName;
  /** Which profile heads it uses. */
  kind: ExchangeKind;
  description: string;
  server(): Promise<ServerFactory>;
  client(): Promise<ClientFactory>;
}

const entry = (name: TransportName, kind: ExchangeKind, description: string): TransportEntry => ({
  name,
  kind,
  description,
  server: async () => (await import(`./servers/${name}.js`)).createServer as ServerFactory,
  client: async () => (await import(`./clients/${name}.js`)).createClient as ClientFactory,
});

export const TRANSPORTS: Record<TransportName, TransportEntry> = {
  'short-polling': entry('short-polling', 'poll', 'GET every interval with a cursor; empty answer when nothing is new'),
  'long-polling': entry('long-polling', 'poll', 'GET held by the server until a message exists or a timeout'),
  sse: entry('sse', 'sse', 'text/event-stream with id: fields; resumes with Last-Event-ID'),
  'http-streaming': entry('http-streaming', 'stream', 'one forever chunked response, one chunk per message'),
  websocket: entry('websocket', 'websocket', 'RFC 6455 via the ws package'),
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
