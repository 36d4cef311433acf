/**
 * Captures the request heads a real Chromium sends for an XHR poll, an EventSource, a fetch-streamed GET and a
 * WebSocket upgrade, byte for byte, and turns them into a header profile (scenarios/profiles/chromium.json).
 *
 * A raw `net` server on 127.0.0.1 (not node:http, which would normalise what it reads) serves a page, records every
 * request head exactly as received, and answers each request just well enough that the browser goes on: a poll body,
 * one server-sent event, one streamed chunk, a WebSocket handshake and one text frame.
 *
 * Then the same page over HTTP/2: node:http2's TLS server (HTTP/2 only, no HTTP/1.1 fallback, the run-time
 * certificate) records each request's header list in wire order, pseudo-header fields included, as node:http2's raw
 * headers give it. WebSocket is left out there: over HTTP/2 it needs RFC 8441's extended CONNECT, which pushbench
 * does not serve, so Chromium would open it over HTTP/1.1 anyway.
 */
import http2 from 'node:http2';
import net from 'node:net';
import { launchChromium } from './browser.js';
import { generateCertificate } from '../protocol/tls.js';
import { WS_101_STATUS_LINE, httpHeadString, wsHandshakeResponseHeaders, type HeaderList } from '../protocol/framing.js';
import { EXCHANGE_KINDS, type ExchangeKind, type HeaderProfile } from '../protocol/profiles.js';

/** pushbench's own server paths, the ones every profile uses unless it says otherwise. */
export const CAPTURE_PATHS: Record<ExchangeKind, string> = { poll: '/poll', sse: '/sse', stream: '/stream', websocket: '/ws' };

/** One request head as the browser sent it. */
export interface CapturedHead {
  /** The bytes exactly as received, request line and final empty line included (latin1). */
  raw: string;
  requestLine: string;
  headers: Array<[string, string]>;
}

/** The request kinds captured over HTTP/2. */
export const H2_CAPTURE_KINDS = ['poll', 'sse', 'stream'] as const;
export type H2CaptureKind = (typeof H2_CAPTURE_KINDS)[number];

/** What Chromium sent over HTTP/2 from https://hostPort/: per kind, the header list in wire order. */
export interface H2Capture {
  hostPort: string;
  heads: Record<H2CaptureKind, Array<[string, string]>>;
}

export interface Capture {
  /** `browser.version()`. */
  browserVersion: string;
  userAgent: string;
  /** host:port the page was served from, which every head names. */
  hostPort: string;
  heads: Record<ExchangeKind, CapturedHead>;
  h2: H2Capture;
}

const WS_STEP = `  await new Promise((resolve, reject) => {
    const ws = new WebSocket('ws://' + location.host + '${CAPTURE_PATHS.websocket}');
    ws.onmessage = () => { ws.close(); resolve(); };
    ws.onerror = () => reject(new Error('websocket failed'));
  });`;

const page = (webSocket: boolean): string => `<!doctype html><meta charset="utf-8"><title>pushbench capture</title><script>
window.captureDone = (async () => {
  await new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open('GET', '${CAPTURE_PATHS.poll}');
    x.onload = resolve; x.onerror = () => reject(new Error('xhr failed'));
    x.send();
  });
  await new Promise((resolve, reject) => {
    const es = new EventSource('${CAPTURE_PATHS.sse}');
    es.onmessage = () => { es.close(); resolve(); };
    es.onerror = () => { es.close(); reject(new Error('eventsource failed')); };
  });
  const res = await fetch('${CAPTURE_PATHS.stream}');
  const reader = res.body.getReader();
  while (!(await reader.read()).done) {}
${webSocket ? WS_STEP : ''}
  return 'ok';
})();
</script>`;

const PAGE = page(true);
const PAGE_H2 = page(false);

const HEAD_END = Buffer.from('\r\n\r\n');

/** Splits a raw head into request line and [name, value] pairs, exactly as written (`Name: value`). */
export function parseRawHead(raw: string): { requestLine: string; headers: Array<[string, string]> } {
  const lines = raw.split('\r\n');
  if (lines.length < 3 || lines.at(-1) !== '' || lines.at(-2) !== '') throw new Error('a request head must end in an empty line');
  const requestLine = lines[0]!;
  const headers = lines.slice(1, -2).map((line): [string, string] => {
    const colon = line.indexOf(': ');
    if (colon <= 0) throw new Error(`header line not in "Name: value" form: ${JSON.stringify(line)}`);
    return [line.slice(0, colon), line.slice(colon + 2)];
  });
  return { requestLine, headers };
}

function kindOf(target: string): ExchangeKind | null {
  const p = target.split('?')[0];
  for (const kind of EXCHANGE_KINDS) if (CAPTURE_PATHS[kind] === p) return kind;
  return null;
}

function respond(sock: net.Socket, status: string, headers: HeaderList, body = ''): void {
  sock.write(httpHeadString(`HTTP/1.1 ${status}`, headers) + body);
}

/** Serves the capture page over HTTP/2 with TLS on 127.0.0.1 and records each kind's first request. */
async function startH2CaptureServer(): Promise<{ hostPort: string; heads: Partial<Record<H2CaptureKind, Array<[string, string]>>>; close: () => Promise<void> }> {
  const { cert, key } = generateCertificate();
  const heads: Partial<Record<H2CaptureKind, Array<[string, string]>>> = {};
  const server = http2.createSecureServer({ cert, key, allowHTTP1: false });
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on('session', (s) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
    s.on('error', () => {});
  });
  server.on('stream', (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, _flags: number, rawHeaders: string[]) => {
    stream.on('error', () => {});
    const target = String(headers[':path'] ?? '/');
    const kind = kindOf(target);
    if (kind && kind !== 'websocket' && !heads[kind]) {
      const list: Array<[string, string]> = [];
      for (let i = 0; i + 1 < rawHeaders.length; i += 2) list.push([rawHeaders[i]!, rawHeaders[i + 1]!]);
      heads[kind] = list;
    }
    switch (kind) {
      case 'poll':
        stream.respond({ ':status': 200, 'content-type': 'text/plain', 'content-length': 2 });
        stream.end('hi');
        break;
      case 'sse':
        stream.respond({ ':status': 200, 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        stream.end('data: hi\n\n');
        break;
      case 'stream':
        stream.respond({ ':status': 200, 'content-type': 'text/plain' });
        stream.end('hi');
        break;
      default:
        if (target === '/') {
          stream.respond({ ':status': 200, 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(PAGE_H2) });
          stream.end(PAGE_H2);
        } else {
          stream.respond({ ':status': 404, 'content-length': 0 });
          stream.end();
        }
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    hostPort: `127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    heads,
    close: async () => {
      for (const s of sessions) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Drives Chromium once through all four exchanges over HTTP/1.1, then poll, SSE and stream over HTTP/2. */
export async function captureChromiumHeads(timeoutMs = 30_000): Promise<Capture> {
  const heads: Partial<Record<ExchangeKind, CapturedHead>> = {};
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    let pending = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      pending = Buffer.concat([pending, chunk]);
      for (let end = pending.indexOf(HEAD_END); end >= 0; end = pending.indexOf(HEAD_END)) {
        const raw = pending.subarray(0, end + HEAD_END.length).toString('latin1');
        pending = pending.subarray(end + HEAD_END.length);
        const { requestLine, headers } = parseRawHead(raw);
        const target = requestLine.split(' ')[1] ?? '/';
        const kind = kindOf(target);
        if (kind && !heads[kind]) heads[kind] = { raw, requestLine, headers };
        const close = [['Connection', 'close']] as const;
        switch (kind) {
          case 'poll':
            respond(sock, '200 OK', [['Content-Type', 'text/plain'], ['Content-Length', '2']], 'hi');
            break;
          case 'sse':
            respond(sock, '200 OK', [['Content-Type', 'text/event-stream'], ['Cache-Control', 'no-cache'], ...close], 'data: hi\n\n');
            break;
          case 'stream':
            respond(sock, '200 OK', [['Content-Type', 'text/plain'], ['Transfer-Encoding', 'chunked']], '2\r\nhi\r\n0\r\n\r\n');
            break;
          case 'websocket': {
            const key = headers.find(([n]) => n.toLowerCase() === 'sec-websocket-key')?.[1] ?? '';
            sock.off('data', onData);
            sock.write(httpHeadString(WS_101_STATUS_LINE, wsHandshakeResponseHeaders(key, [])));
            sock.write(Buffer.from([0x81, 0x02, 0x68, 0x69]));
            // The browser answers our frame with a close frame; echo a close and finish.
            sock.on('data', () => sock.end(Buffer.from([0x88, 0x00])));
            return;
          }
          default:
            if (target === '/') respond(sock, '200 OK', [['Content-Type', 'text/html; charset=utf-8'], ['Content-Length', String(Buffer.byteLength(PAGE))]], PAGE);
            else respond(sock, '404 Not Found', [['Content-Length', '0']]);
        }
      }
    };
    sock.on('data', onData);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const hostPort = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  let h2server: Awaited<ReturnType<typeof startH2CaptureServer>> | undefined;
  // The HTTP/2 page is served with a throw-away self-signed certificate.
  const browser = await launchChromium(['--ignore-certificate-errors']);
  try {
    const page = await browser.newPage();
    const userAgent = await page.evaluate(() => navigator.userAgent).catch(() => '');
    await page.goto(`http://${hostPort}/`, { timeout: timeoutMs });
    const outcome = await page.evaluate('window.captureDone', { timeout: timeoutMs } as never);
    if (outcome !== 'ok') throw new Error(`capture page reported ${String(outcome)}`);
    const missing = EXCHANGE_KINDS.filter((k) => !heads[k]);
    if (missing.length) throw new Error(`Chromium sent no request for ${missing.join(', ')}`);

    h2server = await startH2CaptureServer();
    const h2page = await browser.newPage();
    await h2page.goto(`https://${h2server.hostPort}/`, { timeout: timeoutMs });
    const h2outcome = await h2page.evaluate('window.captureDone', { timeout: timeoutMs } as never);
    if (h2outcome !== 'ok') throw new Error(`HTTP/2 capture page reported ${String(h2outcome)}`);
    const h2missing = H2_CAPTURE_KINDS.filter((k) => !h2server!.heads[k]);
    if (h2missing.length) throw new Error(`Chromium sent no HTTP/2 request for ${h2missing.join(', ')}`);
    const h2: H2Capture = { hostPort: h2server.hostPort, heads: h2server.heads as Record<H2CaptureKind, Array<[string, string]>> };

    return { h2, browserVersion: browser.version(), userAgent: userAgent || (heads.poll!.headers.find(([n]) => n === 'User-Agent')?.[1] ?? ''), hostPort, heads: heads as Record<ExchangeKind, CapturedHead> };
  } finally {
    await browser.close();
    await h2server?.close();
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  }
}

/** A captured head with the parts that change per run replaced: host:port by {host}, the WebSocket key by {key}. */
export function templateHeaders(head: CapturedHead, hostPort: string): Array<[string, string]> {
  return head.headers.map(([name, value]): [string, string] => {
    if (name.toLowerCase() === 'sec-websocket-key') return [name, '{key}'];
    return [name, value.split(hostPort).join('{host}')];
  });
}

/** An HTTP/2 header list with host:port replaced by {host}; `:path` stays as captured (the kind's path). */
export function templateH2Headers(list: ReadonlyArray<readonly [string, string]>, hostPort: string): Array<[string, string]> {
  return list.map(([name, value]): [string, string] => [name, value.split(hostPort).join('{host}')]);
}

/** The profile JSON for a capture; response heads are pushbench's own (`serverResponses`, normally minimal's). */
export function captureToProfile(capture: Capture, serverResponses: HeaderProfile['responses'], capturedAt = new Date()): Record<string, unknown> {
  const requests: Record<string, Array<[string, string]>> = {};
  for (const kind of EXCHANGE_KINDS) requests[kind] = templateHeaders(capture.heads[kind], capture.hostPort);
  return {
    name: 'chromium',
    description:
      `Request heads captured byte for byte from headless Chromium ${capture.browserVersion} (XHR poll, EventSource, fetch-streamed GET, ` +
      'WebSocket upgrade) against pushbench paths on 127.0.0.1, no cookies; host:port replaced by {host}, the key by {key}. ' +
      "Responses are pushbench's own server heads (as in minimal). Regenerate with `pushbench capture-headers`.",
    source: {
      browser: 'Chromium (headless, driven by Playwright)',
      version: capture.browserVersion,
      userAgent: capture.userAgent,
      capturedAt: capturedAt.toISOString(),
      capturedFrom: `http://${capture.hostPort}/`,
    },
    paths: { ...CAPTURE_PATHS },
    requests,
    responses: serverResponses,
    h2: {
      description:
        `Request header lists the same Chromium sent over HTTP/2 (TLS, ALPN h2, node:http2 server) in wire order, ` +
        'pseudo-header fields included; host:port replaced by {host}. No WebSocket: it would need RFC 8441.',
      capturedFrom: `https://${capture.h2.hostPort}/`,
      requests: Object.fromEntries(H2_CAPTURE_KINDS.map((k) => [k, templateH2Headers(capture.h2.heads[k], capture.h2.hostPort)])),
    },
  };
}

/** JSON with each [name, value] header pair on one line, the way profiles are written by hand. */
export function formatProfileJson(value: unknown): string {
  const str = '"(?:[^"\\\\]|\\\\.)*"';
  return JSON.stringify(value, null, 2).replace(new RegExp(`\\[\\s*(${str}),\\s*(${str})\\s*\\]`, 'g'), '[$1, $2]') + '\n';
}
