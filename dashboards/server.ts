/**
 * The live dashboard of `pushbench run --dashboard`: a page on 127.0.0.1 that the harness pushes LiveSample
 * snapshots to over Server-Sent Events. Only loopback is bound, and requests naming any other Host are refused,
 * so a web page elsewhere cannot read the stream through DNS rebinding. A browser that joins late is sent the
 * recent samples first, so its charts start filled. /metrics serves the newest sample of each transport as
 * OpenMetrics text.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LiveSample } from '../results/types.js';
import { chartJsPath } from '../reports/site.js';
import { liveOpenMetrics, OPENMETRICS_CONTENT_TYPE } from '../reports/export.js';

export interface DashboardOptions {
  /** Port on 127.0.0.1; 0 or absent picks a free one. */
  port?: number;
  /** Samples kept for late-joining browsers (about one per second); default 600, ten minutes. */
  recentSamples?: number;
}

export interface Dashboard {
  /** http://127.0.0.1:PORT/ */
  url: string;
  /** Sends a sample to every open page and keeps it for pages that open later. */
  publish(sample: LiveSample): void;
  /** Tells open pages the run is over, ends their streams and stops the server. */
  close(): Promise<void>;
}

const here = path.dirname(fileURLToPath(import.meta.url));

/** live.html sits next to the sources; compiled code runs from dist/dashboards/. */
function livePagePath(): string {
  const candidates = [path.join(here, 'live.html'), path.resolve(here, '../../dashboards/live.html')];
  return candidates.find((p) => existsSync(p)) ?? candidates[1]!;
}

const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:",
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
};

/** Starts the dashboard server on 127.0.0.1. */
export async function startDashboard(opts: DashboardOptions = {}): Promise<Dashboard> {
  const keep = opts.recentSamples ?? 600;
  const recent: string[] = [];
  const streams = new Set<ServerResponse>();
  /** The newest sample of each transport, for /metrics. */
  const latest = new Map<string, LiveSample>();
  const [page, script, chartJs] = await Promise.all([
    readFile(livePagePath()),
    readFile(path.join(here, 'client', 'live.js')),
    readFile(chartJsPath()),
  ]);
  const assets: Record<string, { type: string; body: Buffer }> = {
    '/': { type: 'text/html; charset=utf-8', body: page },
    '/live.js': { type: 'text/javascript; charset=utf-8', body: script },
    '/chart.umd.min.js': { type: 'text/javascript; charset=utf-8', body: chartJs },
  };
  let port = 0;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
      res.writeHead(403, { 'Content-Type': 'text/plain' }).end('pushbench dashboard: open it at 127.0.0.1\n');
      return;
    }
    const url = new URL(req.url ?? '/', `http://${host}`);
    if (req.method !== 'GET') {
      res.writeHead(405, { Allow: 'GET' }).end();
      return;
    }
    if (url.pathname === '/events') {
      res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/event-stream', Connection: 'keep-alive' });
      res.write(`retry: 1000\n\n${recent.join('')}`);
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    if (url.pathname === '/metrics') {
      // OpenMetrics text of the newest sample per transport, for a Prometheus-style scraper on this machine.
      const body = Buffer.from(liveOpenMetrics([...latest.values()]));
      res.writeHead(200, { 'Content-Type': OPENMETRICS_CONTENT_TYPE, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'Content-Length': body.length }).end(body);
      return;
    }
    const asset = assets[url.pathname === '/live.html' ? '/' : url.pathname];
    if (!asset) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': asset.type, 'Content-Length': asset.body.length }).end(asset.body);
  });
  // A stalled browser must not hold the run's exit: streams are ended on close, and idle keep-alives are dropped.
  server.keepAliveTimeout = 1000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/`,
    publish(sample: LiveSample): void {
      latest.set(sample.transport, sample);
      const event = `data: ${JSON.stringify(sample)}\n\n`;
      recent.push(event);
      if (recent.length > keep) recent.splice(0, recent.length - keep);
      for (const res of streams) res.write(event);
    },
    async close(): Promise<void> {
      const flushed = [...streams].map((res) => new Promise<void>((resolve) => res.once('close', resolve).once('finish', resolve)));
      for (const res of streams) res.end('event: end\ndata: {}\n\n');
      streams.clear();
      // The 'end' event is handed to the kernel before the sockets go; a stalled page gets at most half a second.
      let wait: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(flushed), new Promise<void>((resolve) => (wait = setTimeout(resolve, 500)))]);
      clearTimeout(wait);
      // server.close() waits for every open connection, and a browser (or anything) that sent half a request holds
      // one until the headers timeout: close them all first, so the run's exit never waits on a page.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
