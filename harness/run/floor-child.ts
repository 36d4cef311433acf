/**
 * Child process entry of `pushbench floor`: a bare sender or a bare receiver on loopback TCP, nothing else on its
 * event loop. The sender writes one prepared frame to every socket per tick (`socket.write`, the call every push
 * server ends in); the receiver reads into one shared buffer (`onread`, as the client workers do) and only counts
 * bytes. What they cost per message is the least any Node server or client can pay for the same delivery here.
 */
import net from 'node:net';
import type { FloorSideCost, FloorToChild, FloorFromChild } from '../measure/floor.js';

const send = (msg: FloorFromChild): void => {
  process.send?.(msg);
};
process.on('disconnect', () => process.exit(0));

const sockets: net.Socket[] = [];
let server: net.Server | null = null;
let receivedBytes = 0;
let expectedBytes = Number.POSITIVE_INFINITY;
let cpuStart: NodeJS.CpuUsage | null = null;
let wallStartNs = 0n;

const cost = (messages: number, extra: Partial<FloorSideCost> = {}): FloorSideCost => {
  const cpu = process.cpuUsage(cpuStart ?? undefined);
  return { userUs: cpu.user, systemUs: cpu.system, messages, wallS: Number(process.hrtime.bigint() - wallStartNs) / 1e9, ...extra };
};

function serve(host: string): void {
  server = net.createServer({ noDelay: true }, (s) => {
    s.on('error', () => {});
    // The receiver never writes after connecting; reading would only cost the sender its own bytes back.
    s.pause();
    sockets.push(s);
  });
  server.listen({ port: 0, host, backlog: 65_535 }, () => {
    const addr = server!.address() as net.AddressInfo;
    send({ type: 'listening', port: addr.port });
  });
}

/**
 * Opens `count` sockets, numbered from `first` across every receiver: socket k goes to `ports[k % ports.length]`, so
 * several senders share the sockets as a cluster's workers share a run's clients.
 */
async function connect(host: string, ports: number[], first: number, count: number): Promise<void> {
  const buffer = Buffer.allocUnsafe(64 * 1024);
  const onread = {
    buffer,
    callback: (n: number): boolean => {
      receivedBytes += n;
      if (receivedBytes >= expectedBytes && cpuStart) {
        send({ type: 'done', cost: cost(0, { receivedBytes }) });
        cpuStart = null;
      }
      return true;
    },
  };
  const batch = 500;
  for (let i = 0; i < count; i += batch) {
    const n = Math.min(batch, count - i);
    await Promise.all(
      Array.from(
        { length: n },
        (_, j) =>
          new Promise<void>((resolve, reject) => {
            const port = ports[(first + i + j) % ports.length]!;
            const s = net.connect({ host, port, onread, noDelay: true } as net.NetConnectOpts, () => resolve());
            s.once('error', reject);
            s.on('error', () => {});
            sockets.push(s);
          }),
      ),
    );
  }
  send({ type: 'connected', count: sockets.length });
}

/** The receiver's connects can finish before this side has accepted them all: wait for every socket first. */
function whenAccepted(count: number, then: () => void): void {
  if (sockets.length >= count) {
    wallStartNs = process.hrtime.bigint();
    cpuStart = process.cpuUsage();
    return then();
  }
  setTimeout(() => whenAccepted(count, then), 5);
}

function broadcast(frame: Buffer, ticks: number, periodMs: number): void {
  let done = 0;
  const startMs = performance.now();
  const tick = (): void => {
    for (const s of sockets) s.write(frame);
    done++;
    if (done >= ticks) {
      // Let the kernel take the last writes before the books close.
      setImmediate(() => send({ type: 'done', cost: cost(done * sockets.length) }));
      return;
    }
    setTimeout(tick, Math.max(0, startMs + done * periodMs - performance.now()));
  };
  tick();
}

process.on('message', (m: FloorToChild) => {
  try {
    if (m.type === 'serve') serve(m.host);
    else if (m.type === 'connect') connect(m.host, m.ports, m.first, m.count).catch((e: Error) => send({ type: 'fatal', message: `connecting: ${e.message}` }));
    else if (m.type === 'start') {
      wallStartNs = process.hrtime.bigint();
      cpuStart = process.cpuUsage();
      if (m.role === 'sender') whenAccepted(m.connections, () => broadcast(Buffer.from(m.frame), m.ticks, m.periodMs));
      else {
        receivedBytes = 0;
        expectedBytes = m.expectedBytes;
        send({ type: 'ready' });
      }
    } else if (m.type === 'stop') {
      for (const s of sockets) s.destroy();
      server?.close();
      process.exit(0);
    }
  } catch (e) {
    send({ type: 'fatal', message: (e as Error).message });
  }
});
