/**
 * What the study reads at the sockets besides the runs' own counts: the kernel's TCP counters of the server's port
 * over each transport's publishing window (harness/measure/tcp-stats.ts), and one RFC 6455 message each way counted
 * at a real socket.
 */
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { ackOnlySegments, diffBySocket, readTcpStats, tcpIpHeaderBytes, type TcpSocketStats } from '../../measure/tcp-stats.js';
import type { LiveSample, TransportName } from '../../../results/types.js';
import type { TcpPerMessage } from '../../../reports/kaazing.js';

/**
 * Per-message TCP cost of a window on the server's sockets: counter differences of the sockets present at both ends
 * of the window (`diffBySocket`), over the messages those sockets delivered (one socket per client, each client
 * receiving every message published in the window).
 */
export function tcpPerMessage(before: readonly TcpSocketStats[], after: readonly TcpSocketStats[], messagesPerSocket: number): TcpPerMessage | null {
  const d = diffBySocket(before, after);
  const messages = d.sockets * messagesPerSocket;
  if (messages <= 0) return null;
  return {
    messages,
    sockets: d.sockets,
    segmentsPerMessage: (d.segsOut + d.segsIn) / messages,
    ackOnlySegmentsPerMessage: ackOnlySegments(d) / messages,
    tcpIpHeaderBytesPerMessage: tcpIpHeaderBytes(d) / messages,
    tcpPayloadBytesPerMessage: (d.bytesSent + d.bytesReceived) / messages,
  };
}

/** A free loopback port, so every transport's server binds the same known port and `ss` can be filtered on it. */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** Per transport, the TCP cost of its publishing window; filled as the runner's samples arrive. */
export interface TcpSampler {
  /** Give it every sample of the run (`RunHooks.onSample`). */
  onSample(s: LiveSample): void;
  /** Once the run is over: waits for the last `ss` readings. */
  results(): Promise<Partial<Record<TransportName, TcpPerMessage>>>;
}

/**
 * Samples the server port's TCP counters when a transport starts publishing and when it starts draining. The runner
 * emits a sample at every phase change; `ss` runs while the run goes on (publishing starts after a lead time).
 */
export function tcpSampler(port: number): TcpSampler {
  const result: Partial<Record<TransportName, TcpPerMessage>> = {};
  const pending: Array<Promise<void>> = [];
  let current: { transport: TransportName; before: Promise<TcpSocketStats[] | null> } | null = null;
  const read = (): Promise<TcpSocketStats[] | null> => readTcpStats([port]).catch(() => null);
  return {
    onSample(s: LiveSample): void {
      if (s.phase === 'publishing' && current?.transport !== s.transport) current = { transport: s.transport, before: read() };
      else if (s.phase === 'draining' && current?.transport === s.transport) {
        const { transport, before } = current;
        current = null;
        const published = s.published;
        pending.push(
          Promise.all([before, read()]).then(([b, a]) => {
            const t = b && a ? tcpPerMessage(b, a, published) : null;
            if (t) result[transport] = t;
          }),
        );
      }
    },
    async results(): Promise<Partial<Record<TransportName, TcpPerMessage>>> {
      await Promise.all(pending);
      return result;
    },
  };
}

/** An HTTP server with a `ws` server on it (no compression) on a free loopback port, for the in-process probes. */
export interface LoopbackWsServer {
  server: http.Server;
  wss: WebSocketServer;
  port: number;
  /** Ends every connection and stops listening. */
  close(): Promise<void>;
}

export async function startLoopbackWsServer(onRequest?: http.RequestListener): Promise<LoopbackWsServer> {
  const server = http.createServer(onRequest);
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    server,
    wss,
    port: (server.address() as net.AddressInfo).port,
    async close() {
      for (const c of wss.clients) c.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/**
 * One RFC 6455 text message each way between the `ws` client and server, counted at the server's socket: what a
 * frame costs by direction on the wire, measured rather than taken from the model. Both ends are `ws`'s (the
 * project's WebSocket server only pushes, and this needs a message from the client too).
 */
export async function measureWsFrames(payloadBytes: number): Promise<{ payloadBytes: number; c2sFrameBytes: number; s2cFrameBytes: number }> {
  const loop = await startLoopbackWsServer();
  const accepted = new Promise<{ ws: WebSocket; socket: net.Socket }>((resolve) => loop.wss.once('connection', (ws, req) => resolve({ ws, socket: req.socket })));
  const client = new WebSocket(`ws://127.0.0.1:${loop.port}/ws`, { perMessageDeflate: false });
  try {
    const { ws, socket } = await accepted;
    await new Promise<void>((resolve) => (client.readyState === WebSocket.OPEN ? resolve() : client.once('open', () => resolve())));
    const body = 'x'.repeat(payloadBytes);
    const read0 = socket.bytesRead;
    const got = once(ws, 'message');
    client.send(body);
    await got;
    const c2sFrameBytes = socket.bytesRead - read0;
    const written0 = socket.bytesWritten;
    const back = once(client, 'message');
    ws.send(body);
    await back;
    return { payloadBytes, c2sFrameBytes, s2cFrameBytes: socket.bytesWritten - written0 };
  } finally {
    client.terminate();
    await loop.close();
  }
}
