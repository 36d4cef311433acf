/**
 * What the runner asks of the server kinds, in one place so its own edits stay a few lines: the kind's part of the
 * server's start order, the check that the kind can run here, and bytes at both ends.
 */
import { EnvironmentError } from '../errors.js';
import type { WireTotals } from '../measure/wire.js';
import type { ServerConfig } from '../run/ipc.js';
import type { CompletedTransportRun, DirectionBytes, RunOptions, ServerKind } from '../../results/types.js';
import { bytesCountedAtServer } from './kinds.js';

export function kindOf(o: RunOptions): ServerKind {
  return o.server ?? 'embedded';
}

/** Fails before anything starts when the kind cannot run on this machine (exit 3, one line naming the fix). */
export async function checkServerAvailable(o: RunOptions): Promise<void> {
  const kind = kindOf(o);
  if (kind === 'nchan') (await import('./nchan/server.js')).findNchan();
  if (kind === 'socketio') {
    try {
      await import('socket.io');
    } catch {
      throw new EnvironmentError('--server socketio needs the socket.io package; install it: npm install socket.io');
    }
  }
}

/** The kind's fields of the server child's start order. */
export function serverConfigFields(o: RunOptions, plan: { serverProcesses: number; serverFds: number }): Partial<ServerConfig> {
  const kind = kindOf(o);
  if (kind === 'embedded') return {};
  return {
    server: kind,
    // Socket.IO's polling needs every request of a session at one process: it is served by one.
    processes: kind === 'socketio' ? 1 : plan.serverProcesses,
    fds: plan.serverFds,
    clients: o.clients,
    messages: Math.max(1, Math.round(o.rate * o.durationS)),
    target: o.target ?? null,
    publishUrl: o.publishUrl ?? null,
    serverPid: o.serverPid ?? null,
    serverCmd: o.serverCmd ?? null,
  };
}

const zero = (): DirectionBytes => ({ c2sBytes: 0, s2cBytes: 0 });
const ZERO: WireTotals = { setup: zero(), preWindow: zero(), window: zero(), postWindow: zero(), total: zero(), connections: 0, connectionsOpened: 0 };
const PARTS = ['setup', 'preWindow', 'window', 'postWindow', 'total'] as const;

/**
 * Adds the client workers' socket counts. A worker's ledger is the server's kind of ledger seen from the other end,
 * split at the same events (set-up, before, inside and after the window): what a client socket read is what the
 * server wrote (server to client), what it wrote is client to server.
 */
export function addClientWires(wires: ReadonlyArray<WireTotals | undefined>): WireTotals {
  const out = structuredClone(ZERO);
  for (const w of wires) {
    if (!w) continue;
    for (const k of PARTS) {
      // A worker of an older build has no window split: what it has counts as the window.
      const part = w[k] ?? (k === 'window' ? { c2sBytes: w.total.c2sBytes - w.setup.c2sBytes, s2cBytes: w.total.s2cBytes - w.setup.s2cBytes } : zero());
      out[k].c2sBytes += part.s2cBytes;
      out[k].s2cBytes += part.c2sBytes;
    }
    out.connections += w.connections;
    out.connectionsOpened += w.connectionsOpened;
  }
  return out;
}

/** The counts the run's wire figures come from: the server's where it counts its sockets, the clients' otherwise. */
export function runWire(kind: ServerKind, server: WireTotals, serverCounted: boolean, clients: WireTotals): WireTotals {
  return bytesCountedAtServer(kind) && serverCounted ? server : clients;
}

const same = (a: DirectionBytes, b: DirectionBytes): boolean => a.c2sBytes === b.c2sBytes && a.s2cBytes === b.s2cBytes;

/**
 * Adds bytes at both ends to a completed run: `wire.atClients` always, `wire.clientsMatchServer` where the server
 * counted its sockets too (set-up, before, inside and after the window, both directions, to the byte),
 * `wire.measuredAt`, `server.kind`. Socket.IO's server marks neither set-up nor the window on its sockets, so only
 * its totals are compared.
 */
export function withBothEnds(run: CompletedTransportRun, kind: ServerKind, server: WireTotals, serverCounted: boolean, clients: WireTotals): CompletedTransportRun {
  const atServer = bytesCountedAtServer(kind) && serverCounted;
  const partsEqual = kind === 'socketio' ? same(server.total, clients.total) : PARTS.every((k) => same(server[k], clients[k]));
  return {
    ...run,
    wire: {
      ...run.wire,
      measuredAt: atServer ? 'server' : 'clients',
      atClients: {
        setup: clients.setup,
        preWindow: clients.preWindow,
        c2sBytes: clients.window.c2sBytes,
        s2cBytes: clients.window.s2cBytes,
        postWindow: clients.postWindow,
      },
      ...(serverCounted ? { clientsMatchServer: partsEqual } : {}),
    },
    server: { ...run.server, kind },
  };
}
