/**
 * Captures the request heads a real Chromium sends for an XHR poll, an EventSource, a fetch-streamed GET and a
 * WebSocket upgrade, byte for byte, and turns them into a header profile (scenarios/profiles/chromium.json).
 *
 * A raw `net` server on 127.0.0.1 (not node:http, which would normalise what it reads) serves a page, records every
 * request head exactly as received, and answers each request just well enough that the browser goes on: a poll body,
 * one server-sent event, one streamed chunk, a WebSocket handshake and one text frame.
 */
import net from 'node:net';
import { launchChromium } from './browser.js';
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

export interface Capture {
  /** `browser.version()`. */
  browserVersion: string;
  userAgent: string;
  /** host:port the page was served from, which every head names. */
  hostPort: string;
  heads: Record<ExchangeKind, CapturedHead>;
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>pushbench capture</title><script>
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
  await new Promise((resolve, reject) => {
    const ws = new WebSocket('ws://' + location.host + '${CAPTURE_PATHS.websocket}');
    ws.onmessage = () => { ws.close(); resolve(); };
    ws.onerror = () => reject(new Error('websocket failed'));
  });
  return 'ok';
})();
</script>`;

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

/** Drives Chromium once through all four exchanges; resolves with what it sent. */
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
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const userAgent = await page.evaluate(() => navigator.userAgent).catch(() => '');
    await page.goto(`http://${hostPort}/`, { timeout: timeoutMs });
    const outcome = await page.evaluate('window.captureDone', { timeout: timeoutMs } as never);
    if (outcome !== 'ok') throw new Error(`capture page reported ${String(outcome)}`);
    const missing = EXCHANGE_KINDS.filter((k) => !heads[k]);
    if (missing.length) throw new Error(`Chromium sent no request for ${missing.join(', ')}`);
    return { browserVersion: browser.version(), userAgent: userAgent || (heads.poll!.headers.find(([n]) => n === 'User-Agent')?.[1] ?? ''), hostPort, heads: heads as Record<ExchangeKind, CapturedHead> };
  } finally {
    await browser.close();
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
  };
}

/** JSON with each [name, value] header pair on one line, the way profiles are written by hand. */
export function formatProfileJson(value: unknown): string {
  const str = '"(?:[^"\\\\]|\\\\.)*"';
  return JSON.stringify(value, null, 2).replace(new RegExp(`\\[\\s*(${str}),\\s*(${str})\\s*\\]`, 'g'), '[$1, $2]') + '\n';
}
