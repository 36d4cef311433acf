/**
 * nginx with the nchan module, started by pushbench: a generated configuration under a temporary prefix (`daemon
 * off`, `worker_processes` and descriptor limits from the run's plan, error log in the prefix, loopback only), one
 * channel, one subscriber location per transport, and a publisher location that pushbench POSTs every message to.
 *
 * | transport        | location  | nchan subscriber                                                          |
 * |------------------|-----------|---------------------------------------------------------------------------|
 * | `short-polling`  | `/poll`   | `intervalpoll`: answers at once, one message or `304 Not Modified`        |
 * | `long-polling`   | `/lpoll`  | `longpoll`, `nchan_longpoll_multipart_response raw`: every message after the cursor, LF-separated |
 * | `sse`            | `/sse`    | `eventsource`: `id: <time>:<tag>` and `data:` per message; resumes with `Last-Event-ID` |
 * | `http-streaming` | `/stream` | `http-raw-stream`: each message and a LF, in a body that ends with the connection |
 * | `websocket`      | `/ws`     | `websocket`: one text frame per message                                   |
 *
 * Publishing: `POST /pub` with the message body (`Content-Type: text/plain`), one request at a time, in order.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { EnvironmentError } from '../../errors.js';
import type { ServerConfig } from '../../run/ipc.js';
import { Publisher, type ServerDriver } from '../driver.js';
import { startGroup, waitForPort, type Group } from '../process-group.js';

export const NCHAN_INSTALL = 'apt-get install -y libnginx-mod-nchan';

/** Where each transport subscribes, and where messages are published. */
export const NCHAN_PATHS = { publish: '/pub', 'short-polling': '/poll', 'long-polling': '/lpoll', sse: '/sse', 'http-streaming': '/stream', websocket: '/ws' } as const;

const NGINX_PATHS = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx', '/usr/bin/nginx'];
const MODULE_DIRS = ['/usr/lib/nginx/modules', '/usr/share/nginx/modules', '/usr/lib64/nginx/modules', '/usr/local/nginx/modules', '/etc/nginx/modules'];

export interface NchanInstall {
  nginx: string;
  /** The dynamic module to load, or null when nginx was built with nchan in it. */
  module: string | null;
}

/** Finds nginx and its nchan module, or throws the one line that says how to install them (EnvironmentError: exit 3). */
export function findNchan(nginxPaths: readonly string[] = NGINX_PATHS, moduleDirs: readonly string[] = MODULE_DIRS): NchanInstall {
  const nginx = nginxPaths.find((p) => existsSync(p));
  const missing = (): never => {
    throw new EnvironmentError(`--server nchan needs nginx with the nchan module, which is not installed here; install it: ${NCHAN_INSTALL}`);
  };
  if (!nginx) return missing();
  const module = moduleDirs.map((d) => path.join(d, 'ngx_nchan_module.so')).find((p) => existsSync(p));
  if (module) return { nginx, module };
  let built = '';
  try {
    built = execFileSync(nginx, ['-V'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    built = String((e as { stderr?: string }).stderr ?? '');
  }
  return /nchan/.test(built) ? { nginx, module: null } : missing();
}

export interface NchanConfigInput {
  prefix: string;
  module: string | null;
  host: string;
  port: number;
  workers: number;
  /** Descriptors per worker, as planned for pushbench's own servers. */
  fds: number;
  /** Messages the run publishes: the channel keeps them all, so a poll that falls behind still finds them. */
  messages: number;
  longPollTimeoutS: number;
  payloadBytes: number;
}

/** The nginx.conf pushbench runs nchan with. Pure, for tests and for reading. */
export function nchanConfig(c: NchanConfigInput): string {
  const listen = c.host.includes(':') ? `[${c.host}]:${c.port}` : `${c.host}:${c.port}`;
  const bodyBuffer = Math.max(16 * 1024, c.payloadBytes + 1024);
  return [
    ...(c.module ? [`load_module ${c.module};`] : []),
    'daemon off;',
    'master_process on;',
    `worker_processes ${c.workers};`,
    `worker_rlimit_nofile ${c.fds};`,
    `pid ${path.join(c.prefix, 'nginx.pid')};`,
    `error_log ${path.join(c.prefix, 'error.log')} warn;`,
    // nginx counts more than sockets as connections (nchan's own, that hold no descriptor): at worker_connections equal
    // to the descriptors, 1,000 clients saw 32 connections closed ("worker_connections are not enough"). The
    // descriptors stay as planned; the connection slots get room.
    `events { worker_connections ${2 * c.fds}; }`,
    'http {',
    '  access_log off;',
    '  server_tokens off;',
    // Bodies stay in memory (nothing written under the prefix by a worker that may run as another user).
    `  client_body_buffer_size ${bodyBuffer};`,
    `  client_max_body_size ${bodyBuffer};`,
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${path.join(c.prefix, t)};`),
    // Polls reuse their connection for the whole run, as pushbench's own servers allow.
    '  keepalive_timeout 3600s;',
    '  keepalive_requests 100000000;',
    '  server {',
    // reuseport: one accept queue per worker, so connections spread over the workers.
    `    listen ${listen}${c.workers > 1 ? ' reuseport' : ''} backlog=65535;`,
    '    nchan_channel_id feed;',
    `    nchan_message_buffer_length ${Math.max(10, c.messages + 10)};`,
    '    nchan_message_timeout 24h;',
    `    location = ${NCHAN_PATHS.publish} { nchan_publisher; }`,
    `    location = ${NCHAN_PATHS['short-polling']} { nchan_subscriber intervalpoll; nchan_subscriber_first_message oldest; }`,
    `    location = ${NCHAN_PATHS['long-polling']} { nchan_subscriber longpoll; nchan_subscriber_first_message oldest; nchan_longpoll_multipart_response raw; nchan_subscriber_timeout ${c.longPollTimeoutS}s; }`,
    `    location = ${NCHAN_PATHS.sse} { nchan_subscriber eventsource; nchan_subscriber_first_message oldest; }`,
    // A reconnecting stream or socket has no cursor here: it starts at the newest, as the embedded ones do.
    `    location = ${NCHAN_PATHS['http-streaming']} { nchan_subscriber http-raw-stream; nchan_subscriber_first_message newest; }`,
    `    location = ${NCHAN_PATHS.websocket} { nchan_subscriber websocket; nchan_subscriber_first_message newest; }`,
    '  }',
    '}',
    '',
  ].join('\n');
}

/** A free TCP port on `host` (nginx cannot be asked for port 0 and tell which it got). */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen({ host, port: 0 }, () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** nchan's channel info on the publisher location: `subscribers` is how many it holds now (0 before the channel exists). */
function channelSubscribers(host: string, port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ host, port, path: NCHAN_PATHS.publish, headers: { Accept: 'text/json' }, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve(Number(/"subscribers":\s*(\d+)/.exec(text)?.[1] ?? 0)));
    });
    req.once('error', () => resolve(0));
  });
}

export function createNchanDriver(config: ServerConfig): ServerDriver {
  let group: Group | null = null;
  let prefix: string | null = null;
  let publisher: Publisher | null = null;
  let port = config.port;
  return {
    async start() {
      const install = findNchan();
      if (port === 0) port = await freePort(config.host);
      prefix = mkdtempSync(path.join(os.tmpdir(), 'pushbench-nchan-'));
      const made = prefix;
      process.once('exit', () => rmSync(made, { recursive: true, force: true }));
      for (const d of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(path.join(prefix, d));
      const conf = path.join(prefix, 'nginx.conf');
      writeFileSync(
        conf,
        nchanConfig({
          prefix,
          module: install.module,
          host: config.host,
          port,
          workers: Math.max(1, config.processes),
          fds: config.fds ?? 4096,
          messages: config.messages ?? 1000,
          longPollTimeoutS: Math.max(1, Math.ceil(config.options.longPollTimeoutMs / 1000)),
          payloadBytes: config.payloadBytes,
        }),
      );
      group = startGroup(install.nginx, ['-p', prefix + '/', '-c', conf]);
      const g = group;
      try {
        await waitForPort(config.host, port, 15_000, () => g.process.exitCode === null && g.process.signalCode === null);
      } catch (e) {
        const log = existsSync(path.join(prefix, 'error.log')) ? readFileSync(path.join(prefix, 'error.log'), 'utf8').trim().split('\n').slice(-2).join(' | ') : '';
        throw new EnvironmentError(`nginx (nchan) did not start: ${(e as Error).message}${g.stderrTail() ? `: ${g.stderrTail()}` : ''}${log ? `: ${log}` : ''}`);
      }
      publisher = new Publisher(`http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}${NCHAN_PATHS.publish}`);
      return { host: config.host, port };
    },
    async publish(_seq, body) {
      const r = await publisher!.post(body);
      if (r.status !== 201 && r.status !== 202) throw new Error(`nchan refused a message: HTTP ${r.status} ${r.text.trim().slice(0, 100)}`);
    },
    async awaitSubscribers(clients) {
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline && (await channelSubscribers(config.host, port)) < clients) await new Promise((r) => setTimeout(r, 50));
    },
    pids: () => group?.pids() ?? [],
    async stop() {
      publisher?.close();
      await group?.stop();
      if (prefix) rmSync(prefix, { recursive: true, force: true });
    },
  };
}
