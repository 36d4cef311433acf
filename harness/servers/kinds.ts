/**
 * The server kinds a run can drive (`--server NAME`), each a folder here with its documented dialect:
 *
 * - `embedded` (default): pushbench's own servers (harness/transports/); bytes counted at both ends.
 * - `nchan`: nginx with the nchan module, started by pushbench (nchan/); bytes counted at the clients.
 * - `socketio`: the official Socket.IO v4 server in a pushbench server process, over its two transports
 *   (socketio/); bytes counted at both ends.
 * - `external`: a server of the user's that implements docs/contract.md (external/); bytes counted at the clients.
 *
 * The runner sees one interface: the server child process speaks the same IPC for every kind (driver.ts for the
 * servers pushbench does not host), and the client workers pick their dialect here.
 */
import { UsageError } from '../errors.js';
import { findNchan } from './nchan/server.js';
import type { ClientFactory } from '../transports/client.js';
import { TRANSPORTS } from '../transports/registry.js';
import type { RunOptions, ServerKind, TransportName } from '../../results/types.js';
import { SERVER_KINDS } from '../../results/types.js';

/** Transports each kind serves. */
export const KIND_TRANSPORTS: Record<ServerKind, readonly TransportName[]> = {
  embedded: ['short-polling', 'long-polling', 'sse', 'http-streaming', 'websocket'],
  nchan: ['short-polling', 'long-polling', 'sse', 'http-streaming', 'websocket'],
  // Engine.IO has two transports: HTTP long polling and WebSocket.
  socketio: ['long-polling', 'websocket'],
  external: ['short-polling', 'long-polling', 'sse', 'http-streaming', 'websocket'],
};

/** Whether the run's byte figures come from the server's sockets (and the clients' are a cross-check) or the clients'. */
export function bytesCountedAtServer(kind: ServerKind): boolean {
  return kind === 'embedded';
}

export async function clientFactory(kind: ServerKind, transport: TransportName): Promise<ClientFactory> {
  switch (kind) {
    case 'nchan':
      return (await import('./nchan/client.js')).nchanClient(transport);
    case 'socketio':
      return (await import('./socketio/client.js')).socketIoClient(transport);
    case 'external':
    case 'embedded':
      return TRANSPORTS[transport].client();
  }
}

export function parseServerKind(raw: string): ServerKind {
  if (!(SERVER_KINDS as readonly string[]).includes(raw)) throw new UsageError(`--server must be one of ${SERVER_KINDS.join(', ')}, got "${raw}"`);
  return raw as ServerKind;
}

/** Checks the server options together (after flags and scenario are merged); throws UsageError. */
export function checkServerOptions(o: RunOptions, explicitTransports: boolean): void {
  const kind = parseServerKind(o.server ?? 'embedded');
  o.server = kind;
  // A machine without nginx and nchan hears so first, in one line (exit 3), before any plan is printed.
  if (kind === 'nchan') findNchan();
  const serves = KIND_TRANSPORTS[kind];
  const unserved = o.transports.filter((t) => !serves.includes(t));
  if (unserved.length > 0) {
    // A scenario's default list is narrowed to what the server has; transports asked for by name are an error.
    if (explicitTransports) {
      throw new UsageError(`--server ${kind} serves ${serves.join(', ')}, not ${unserved.join(', ')}; choose with --transports`);
    }
    o.transports = o.transports.filter((t) => serves.includes(t));
  }
  const externalOnly: Array<[keyof RunOptions, string]> = [
    ['target', '--target'],
    ['publishUrl', '--publish-url'],
    ['serverPid', '--server-pid'],
    ['serverCmd', '--server-cmd'],
  ];
  if (kind !== 'external') {
    for (const [key, flag] of externalOnly) if (o[key] !== undefined && o[key] !== null) throw new UsageError(`${flag} is for --server external only`);
    return;
  }
  if (!o.target) throw new UsageError('--server external needs --target URL (the server\'s base URL, e.g. http://127.0.0.1:8080)');
  if (o.serverPid && o.serverCmd) throw new UsageError('give --server-pid or --server-cmd, not both');
}
