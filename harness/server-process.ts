/**
 * Child process entry: one transport's server on its own event loop, never shared with the load generator.
 * Driven by the harness over IPC (see ipc.ts); reports socket byte counts, CPU, memory and event-loop delay.
 */
import http from 'node:http';
import { Feed, nowUs } from './feed.js';
import type { FromServer, ServerConfig, ToServer } from './ipc.js';
import { ProcessMeter } from './proc-stats.js';
import { loadProfile } from './profiles.js';
import type { TransportServer } from './servers/server.js';
import { TRANSPORTS } from './transports.js';
import { WireLedger } from './wire.js';

const send = (msg: FromServer): void => {
  process.send?.(msg);
};
const meter = new ProcessMeter();
const wire = new WireLedger();
let server: http.Server | null = null;
let transport: TransportServer | null = null;
let feed: Feed | null = null;

// The harness going away (Ctrl-C, crash) must never leave a server behind.
process.on('disconnect', () => process.exit(0));

async function start(config: ServerConfig): Promise<void> {
  const profile = loadProfile(config.profile);
  feed = new Feed(config.payloadBytes);
  server = http.createServer({ keepAliveTimeout: 0, requestTimeout: 0, headersTimeout: 0 });
  // Keep-alive connections stay open as long as the client wants them, as they would behind a push service.
  server.keepAliveTimeout = 0;
  server.on('connection', (socket) => wire.track(socket));
  server.on('clientError', (_e, socket) => socket.destroy());
  const factory = await TRANSPORTS[config.transport].server();
  transport = factory({ http: server, feed, profile, options: config.options, wire, injectServerCostUs: config.injectServerCostUs });
  server.once('error', (e: NodeJS.ErrnoException) => {
    send({ type: 'fatal', message: e.message, code: e.code });
    setTimeout(() => process.exit(3), 50);
  });
  server.listen(config.port, config.host, () => {
    const addr = server!.address();
    send({ type: 'listening', port: typeof addr === 'object' && addr ? addr.port : config.port });
    setInterval(() => send({ type: 'sample', cost: meter.sample(), connections: wire.snapshot().connections }), 1000).unref();
  });
}

/** Publishes on a fixed schedule from `startUs`; each body carries the time it was due. */
function publish(count: number, rate: number, startUs: number): void {
  const periodUs = 1e6 / rate;
  let next = 1;
  let lateMaxMs = 0;
  const tick = (): void => {
    let now = nowUs();
    while (next <= count && startUs + (next - 1) * periodUs <= now) {
      const dueUs = Math.round(startUs + (next - 1) * periodUs);
      lateMaxMs = Math.max(lateMaxMs, (now - dueUs) / 1000);
      const { seq, body } = feed!.publish(dueUs);
      transport!.onPublish(seq, body);
      next++;
      now = nowUs();
    }
    if (next > count) {
      send({ type: 'published', lastSeq: feed!.lastSeq, lateMaxMs });
      return;
    }
    const waitMs = (startUs + (next - 1) * periodUs - nowUs()) / 1000;
    setTimeout(tick, Math.max(0, waitMs));
  };
  meter.startWindow();
  tick();
}

process.on('message', (msg: ToServer) => {
  try {
    switch (msg.type) {
      case 'start':
        start(msg.config).catch((e: Error) => {
          send({ type: 'fatal', message: e.message });
          setTimeout(() => process.exit(3), 50);
        });
        break;
      case 'publish':
        publish(msg.count, msg.rate, msg.startUs);
        break;
      case 'snapshot':
        send({ type: 'snapshot', wire: wire.snapshot(), cost: meter.sample(), subscribers: transport?.subscribers() ?? 0 });
        break;
      case 'sample':
        send({ type: 'sample', cost: meter.sample(), connections: wire.snapshot().connections });
        break;
    }
  } catch (e) {
    send({ type: 'fatal', message: (e as Error).message });
  }
});
