/**
 * The one interface through which the runner drives a server that is not one of pushbench's Node servers (nginx with
 * nchan, a user's server): start it, publish on the feed's schedule, name the PIDs to measure, stop it. The server
 * child process (harness/run/server-process.ts) hands the harness's IPC orders here for these kinds, so the runner
 * talks to every server the same way; the bytes of these servers are counted at the clients' sockets.
 */
import http from 'node:http';
import { encodeMessage, nowUs } from '../protocol/feed.js';
import { PidMeter } from '../measure/proc-stats.js';
import { WireLedger } from '../measure/wire.js';
import type { FromServer, ServerConfig, ToServer } from '../run/ipc.js';
import { latenessOf } from '../run/lateness.js';

export interface ServerDriver {
  /** Starts (or attaches to) the server; resolves with where the clients dial. */
  start(): Promise<{ host: string; port: number }>;
  /** Hands one message to the server for delivery; resolves once the server has accepted it. */
  publish(seq: number, body: Buffer): Promise<void>;
  /** Before the first message: resolves once the server holds `clients` subscriptions, where it can tell (nchan). */
  awaitSubscribers?(clients: number): Promise<void>;
  /** The processes whose CPU and memory are the server's, now. */
  pids(): number[];
  /** Stops what `start` started (nothing, for a server the user runs). */
  stop(): Promise<void>;
}

/**
 * POSTs message bodies to `url` in order, one request at a time on one keep-alive connection: a server numbers
 * messages as they arrive, so two requests in flight could swap their numbers.
 */
export class Publisher {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  private readonly target: URL;

  constructor(
    url: string,
    private readonly headers: Record<string, string> = { 'Content-Type': 'text/plain' },
  ) {
    this.target = new URL(url);
  }

  post(body: Buffer): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        this.target,
        { method: 'POST', agent: this.agent, headers: { ...this.headers, 'Content-Length': String(body.length) } },
        (res) => {
          let text = '';
          res.setEncoding('latin1');
          res.on('data', (d: string) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.once('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Handles the harness's orders for a driven server; returns the message handler for the server child. */
export function driveOverIpc(driver: ServerDriver, config: ServerConfig, send: (msg: FromServer) => void): (msg: ToServer) => void {
  const meter = new PidMeter(() => driver.pids());
  let published = 0;
  let connections = 0;

  const publish = async (count: number, rate: number, startUs: number): Promise<void> => {
    if (config.transport !== 'short-polling') await driver.awaitSubscribers?.(config.clients ?? 0);
    meter.startWindow();
    const periodUs = 1e6 / rate;
    const lateMs: number[] = [];
    for (let seq = 1; seq <= count; seq++) {
      const dueUs = Math.round(startUs + (seq - 1) * periodUs);
      const waitMs = (dueUs - nowUs()) / 1000;
      if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
      // The body carries the time it was due: a publisher held up by a slow server adds its lateness to the latency.
      lateMs.push(Math.max(0, (nowUs() - dueUs) / 1000));
      await driver.publish(seq, encodeMessage(seq, dueUs, config.payloadBytes));
      published = seq;
    }
    send({ type: 'published', lastSeq: published, lateness: latenessOf(lateMs) });
  };

  const fail = (e: Error): void => {
    send({ type: 'fatal', message: e.message });
    setTimeout(() => process.exit(1), 50);
  };

  return (msg) => {
    switch (msg.type) {
      case 'start':
        driver.start().then(({ host, port }) => {
          send({ type: 'listening', port, host });
          setInterval(() => send({ type: 'sample', cost: meter.sample(), connections, published }), 1000).unref();
        }, (e: Error) => {
          send({ type: 'fatal', message: e.message, code: 'SERVER_START' });
          void driver.stop().finally(() => setTimeout(() => process.exit(3), 50));
        });
        break;
      case 'publish':
        publish(msg.count, msg.rate, msg.startUs).catch(fail);
        break;
      case 'snapshot':
        send({
          type: 'snapshot',
          // Not counted here: the runner takes the clients' counts.
          wire: new WireLedger().snapshot(),
          wireAt: 'clients',
          cost: meter.sample(),
          subscribers: 0,
        });
        break;
      case 'memory': {
        const cost = meter.sample();
        send({ type: 'memory', rssBytes: cost.rssBytes, processes: driver.pids().length });
        break;
      }
    }
  };
}
