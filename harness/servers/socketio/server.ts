/**
 * The official Socket.IO v4 server (`socket.io` from npm), hosted in pushbench's server process on the same
 * `node:http` server the embedded transports use, so its sockets are counted by the same ledger, its CPU and memory
 * by the same meter. It publishes the feed as events: `io.emit('m', BODY)` per message to every connected client.
 *
 * One Engine.IO transport per run, the one measured: `long-polling` is Engine.IO's HTTP long polling, `websocket`
 * its WebSocket transport from the first request. The upgrade probe is off (`allowUpgrades: false`): a polling run
 * stays polling, and its handshake offers no upgrade. Heartbeats keep Socket.IO's defaults (ping every 25 s), and
 * count as overhead when a run lasts long enough to carry them. Path: `/socket.io/`; no compression.
 */
import type { ServerFactory } from '../../transports/server.js';
import type { TransportName } from '../../../results/types.js';
import { EVENT_NAME } from './framing.js';

export const SOCKET_IO_PATH = '/socket.io/';

export async function socketIoServer(transport: TransportName): Promise<ServerFactory> {
  const { Server } = await import('socket.io');
  if (transport !== 'long-polling' && transport !== 'websocket') throw new Error(`Socket.IO has no ${transport} transport`);
  return (ctx) => {
    const io = new Server(ctx.http, {
      path: SOCKET_IO_PATH,
      transports: [transport === 'websocket' ? 'websocket' : 'polling'],
      allowUpgrades: false,
      serveClient: false,
      httpCompression: false,
      perMessageDeflate: false,
    });
    return {
      onPublish(_seq, body) {
        io.emit(EVENT_NAME, body.toString('latin1'));
      },
      subscribers: () => io.engine.clientsCount,
      closeAll() {
        void io.close();
      },
    };
  };
}
