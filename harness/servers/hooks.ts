/**
 * What the runner asks of the server kinds, in one place so its own edits stay a few lines: the kind's part of the
 * server's start order, the check that the kind can run here, and bytes at both ends.
 */
import { EnvironmentError } from '../errors.js';
import type { WireTotals } from '../measure/wire.js';
import type { ServerConfig } from '../run/ipc.js';
import type { CompletedTransportRun, RunOptions, ServerKind } from '../../results/types.js';
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

const ZERO: WireTotals = { setup: { c2sBytes: 0, s2cBytes: 0 }, total: { c2sBytes: 0, s2cBytes: 0 }, connections: 0, connectionsOpened: 0 };

/**
 * Adds the client workers' socket counts. A worker's ledger is the server's kind of ledger seen from the other end:
 * what a client socket read is what the server wrote (server to client), what it wrote is client to server.
 */
export function addClientWires(wires: ReadonlyArray<WireTotals | undefined>): WireTotals {
  const out = structuredClone(ZERO);
  for (const w of wires) {
    if (!w) continue;
    out.setup.c2sBytes += w.setup.s2cBytes;
    out.setup.s2cBytes += w.setup.c2sBytes;
    out.total.c2sBytes += w.total.s2cBytes;
    out.total.s2cBytes += w.total.c2sBytes;
    out.connections += w.connections;
    out.connectionsOpened += w.connectionsOpened;
  }
  return out;
}

/** The counts the run's wire figures come from: the server's where it counts its sockets, the clients' otherwise. */
export function runWire(kind: ServerKind, server: WireTotals, serverCounted: boolean, clients: WireTotals): WireTotals {
  return bytesCountedAtServer(kind) && serverCounted ? server : clients;
}

/**
 * Adds bytes at both ends to a completed run: `wire.atClients` always, `wire.clientsMatchServer` where the server
 * counted its sockets too (set-up and total, both directions, to the byte), `wire.measuredAt`, `server.kind`.
 * Socket.IO's server does not split set-up from steady state, so only its totals are compared.
 */
export function withBothEnds(run: CompletedTransportRun, kind: ServerKind, server: WireTotals, serverCounted: boolean, clients: WireTotals): CompletedTransportRun {
  const totalsEqual = server.total.c2sBytes === clients.total.c2sBytes && server.total.s2cBytes === clients.total.s2cBytes;
  const setupEqual = server.setup.c2sBytes === clients.setup.c2sBytes && server.setup.s2cBytes === clients.setup.s2cBytes;
  const atServer = bytesCountedAtServer(kind) && serverCounted;
  return {
    ...run,
    wire: {
      ...run.wire,
      measuredAt: atServer ? 'server' : 'clients',
      atClients: {
        setup: clients.setup,
        c2sBytes: clients.total.c2sBytes - clients.setup.c2sBytes,
        s2cBytes: clients.total.s2cBytes - clients.setup.s2cBytes,
      },
      ...(serverCounted ? { clientsMatchServer: totalsEqual && (kind === 'socketio' || setupEqual) } : {}),
    },
    server: { ...run.server, kind },
  };
}
