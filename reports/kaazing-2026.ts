/**
 * The Kaazing study's 2026 section: the article's 2010 overhead per message beside what a browser's heads cost today
 * in clear HTTP/1.1, over TLS 1.3 and over HTTP/2 + TLS, each measured at the socket (`pushbench modern`'s files), and
 * what those per-message figures come to for 1,000, 10,000 and 100,000 clients at one message a second.
 *
 * A pure function of the article's figures and run results files: no I/O, no harness runtime.
 */
import type { ArticleFigures } from '../results/kaazing.js';
import { TRANSPORT_NAMES, type CompletedTransportRun, type ResultsFile, type TransportName } from '../results/types.js';
import { wireProtocol } from './table.js';

/** Protocols in the order a reader compares them: the 2010 setting first, today's browser last. */
export const PROTOCOL_ORDER: readonly string[] = ['h1', 'h1+tls', 'h2c', 'h2'];
const PROTOCOL_TITLE: Record<string, string> = { h1: 'HTTP/1.1', 'h1+tls': 'HTTP/1.1 + TLS', h2c: 'HTTP/2 clear text', h2: 'HTTP/2 + TLS' };

/** Overhead per message both ways at the TCP socket (ciphertext over TLS): everything but the payload. */
export const overheadPerMessage = (r: CompletedTransportRun): number => r.wire.perMessage.c2sOverheadBytes + r.wire.perMessage.s2cOverheadBytes;

/** The article's figure for a transport: 871 B for a poll (short or long), 2 B for a WebSocket frame, none otherwise. */
export function articleOverhead(a: ArticleFigures, t: TransportName): number | null {
  if (t === 'short-polling' || t === 'long-polling') return a.pollOverheadBytes;
  if (t === 'websocket') return a.websocketFrameBytes;
  return null;
}

export interface Cell2026 {
  bytes: number;
  matchesModel: boolean;
  clients: number;
  profile: string;
}

/** Per transport and protocol, the median overhead per message over the completed runs of the files. */
export function cells2026(files: ResultsFile[]): Map<TransportName, Map<string, Cell2026>> {
  const by = new Map<TransportName, Map<string, CompletedTransportRun[]>>();
  for (const r of files.flatMap((f) => f.runs)) {
    if (r.state !== 'completed') continue;
    const p = wireProtocol(r);
    const m = by.get(r.transport) ?? new Map<string, CompletedTransportRun[]>();
    m.set(p, [...(m.get(p) ?? []), r]);
    by.set(r.transport, m);
  }
  const out = new Map<TransportName, Map<string, Cell2026>>();
  for (const [t, m] of by) {
    const cells = new Map<string, Cell2026>();
    for (const [p, runs] of m) {
      const sorted = runs.map(overheadPerMessage).sort((x, y) => x - y);
      const mid = sorted.length >> 1;
      const bytes = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
      cells.set(p, { bytes, matchesModel: runs.every((r) => r.wire.matchesModel), clients: runs[0]!.clients, profile: runs[0]!.profile });
    }
    out.set(t, cells);
  }
  return out;
}

/** The protocol a browser uses today for a transport, of those measured: HTTP/2 + TLS where it exists, else TLS. */
export function todays(cells: Map<string, Cell2026>): string | null {
  for (const p of ['h2', 'h1+tls', 'h2c', 'h1']) if (cells.has(p)) return p;
  return null;
}

const num = (n: number, digits = 1): string => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const int = (n: number): string => Math.round(n).toLocaleString('en-US');
function mbit(bitsPerS: number): string {
  const m = bitsPerS / 1e6;
  if (m === 0) return '0';
  return m < 1 ? m.toPrecision(3) : num(m, m < 100 ? 2 : 1);
}

/** The section's Markdown (no provenance line: the caller adds it). `clients` are the counts the cost table shows. */
export function renderKaazing2026(article: ArticleFigures, files: ResultsFile[], clients: number[] = article.useCases.map((u) => u.clients)): string {
  const cells = cells2026(files);
  const protocols = PROTOCOL_ORDER.filter((p) => [...cells.values()].some((m) => m.has(p)));
  const transports = TRANSPORT_NAMES.filter((t) => cells.has(t));
  const anyRun = [...cells.values()].flatMap((m) => [...m.values()])[0];
  const out: string[] = [];
  const cellText = (c: Cell2026 | undefined): string => (c ? `${num(c.bytes)}${c.matchesModel ? '' : ' (BYTES != MODEL)'}` : '–');
  out.push(
    `Overhead per message, both directions, in bytes on the TCP socket (over TLS: the ciphertext, records and all), measured at ${anyRun ? int(anyRun.clients) : '–'} clients with the \`${anyRun?.profile ?? '–'}\` header profile at one message a second; the 2010 column is the article's figure (${int(article.pollOverheadBytes)} B of poll heads, ${int(article.websocketFrameBytes)} B of WebSocket frame), which it gave for polling and WebSocket only.`,
    '',
    `| transport | 2010 article | ${protocols.map((p) => `${PROTOCOL_TITLE[p] ?? p} (measured)`).join(' | ')} |`,
    `|---|---:|${protocols.map(() => '---:').join('|')}|`,
  );
  for (const t of transports) {
    const a = articleOverhead(article, t);
    out.push(`| ${t} | ${a === null ? '–' : int(a)} | ${protocols.map((p) => cellText(cells.get(t)!.get(p))).join(' | ')} |`);
  }
  out.push(
    '',
    `What that overhead costs at one message a second per client, in Mbit/s (10^6 bit/s): the article's figure beside today's, today's being the measured per-message bytes above × clients × 8 over the protocol a browser would use: HTTP/2 + TLS where it was measured (WebSocket over HTTP/2 is RFC 8441's extended CONNECT, which Chromium uses when the server offers it), otherwise TLS.`,
    '',
    `| transport | protocol today | ${clients.map((n) => `${int(n)} clients: 2010 | ${int(n)} clients: today`).join(' | ')} |`,
    `|---|---|${clients.map(() => '---:|---:').join('|')}|`,
  );
  for (const t of transports) {
    const p = todays(cells.get(t)!);
    const c = p ? cells.get(t)!.get(p)! : undefined;
    const a = articleOverhead(article, t);
    out.push(
      `| ${t} | ${p ? (PROTOCOL_TITLE[p] ?? p) : '–'} | ` +
        clients.map((n) => `${a === null ? '–' : mbit(a * 8 * n)} | ${c ? mbit(c.bytes * 8 * n) : '–'}`).join(' | ') +
        ' |',
    );
  }
  out.push('', 'What changed, by measurement:', '');
  for (const t of transports) {
    const m = cells.get(t)!;
    const p = todays(m);
    if (!p) continue;
    const today = m.get(p)!.bytes;
    const a = articleOverhead(article, t);
    const clear = m.get('h1');
    const parts: string[] = [];
    if (a !== null) parts.push(`${int(a)} B in 2010's article, ${num(today)} B today over ${PROTOCOL_TITLE[p] ?? p} (${num((today / a) * 100)}% of it)`);
    else parts.push(`${num(today)} B today over ${PROTOCOL_TITLE[p] ?? p} (the article has no figure)`);
    if (clear && p !== 'h1') parts.push(`${num(clear.bytes)} B in clear HTTP/1.1 with the same heads, so ${p === 'h2' ? 'HTTP/2 and TLS together' : p === 'h2c' ? 'HTTP/2' : 'TLS'} ${today <= clear.bytes ? 'save' : 'add'}${p === 'h2' ? '' : 's'} ${num(Math.abs(today - clear.bytes))} B per message`);
    out.push(`- **${t}**: ${parts.join('; ')}.`);
  }
  return out.join('\n');
}

/**
 * The files a 2026 section draws from, out of many (a site's inputs): for each protocol, the newest file of
 * `pushbench modern` (scenario `modern`) that measured it, so repeated benchmarks never mix into one median.
 */
export function latestByProtocol(files: ResultsFile[]): ResultsFile[] {
  const chosen = new Map<string, ResultsFile>();
  for (const f of files.filter((x) => x.scenario === 'modern')) {
    for (const p of new Set(f.runs.map(wireProtocol))) {
      const had = chosen.get(p);
      if (!had || had.startedAt < f.startedAt) chosen.set(p, f);
    }
  }
  return [...new Set(chosen.values())];
}

export const PROTOCOL_TITLES = PROTOCOL_TITLE;
