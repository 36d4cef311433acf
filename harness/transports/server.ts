/** The interface every transport's server implements, and the helpers the HTTP-based ones share. */
import type http from 'node:http';
import type net from 'node:net';
import type { Feed } from '../protocol/feed.js';
import type { HeaderList } from '../protocol/framing.js';
import { fillHeaders, httpDate, type HeaderProfile } from '../protocol/profiles.js';
import type { WireLedger } from '../measure/wire.js';
import type { TransportOptions } from '../../results/types.js';

export interface ServerContext {
  /** The process's HTTP server; a transport adds its 'request' or 'upgrade' handling. */
  http: http.Server;
  /** The feed (a broadcast's only one; slot 0's when staggered). */
  feed: Feed;
  /**
   * `--pattern staggered` (harness/run/pattern.ts): each connection's slot, and each slot's feed, whose bodies carry
   * the slot's due times. Absent: a broadcast, every connection on `feed`.
   */
  stagger?: Stagger;
  profile: HeaderProfile;
  options: TransportOptions;
  wire: WireLedger;
  /** Testing only: busy-wait this long per message written, to prove a regression gate fires. */
  injectServerCostUs: number;
}

export interface TransportServer {
  /**
   * The feed has published `seq`: deliver it to every subscriber that is waiting for it. Staggered: `slot`'s feed
   * has, and only that slot's subscribers are due it now.
   */
  onPublish(seq: number, body: Buffer, slot?: number): void;
  /** Connections currently subscribed or holding a request. */
  subscribers(): number;
  /** Ends every connection (teardown, after the measurement). */
  closeAll(): void;
}

/** The slots of a staggered pattern, as a server process sees them. */
export interface Stagger {
  feeds: readonly Feed[];
  /** The connection's slot, assigned on first sight in accept order (harness/run/pattern.ts `slotOf`). */
  slotOf(socket: net.Socket): number;
}

/** Makes a process's slots: each connection gets the next index's slot the first time it is asked about. */
export function makeStagger(feeds: readonly Feed[], slotOfIndex: (index: number, slots: number) => number): Stagger {
  const slots = new WeakMap<net.Socket, number>();
  let next = 0;
  return {
    feeds,
    slotOf(socket) {
      let slot = slots.get(socket);
      if (slot === undefined) {
        slot = slotOfIndex(next++, feeds.length);
        slots.set(socket, slot);
      }
      return slot;
    },
  };
}

/** Slots of a server context: 1 for a broadcast. */
export const slotCount = (ctx: ServerContext): number => ctx.stagger?.feeds.length ?? 1;

/** The slot a connection's messages are due in (0 for a broadcast). */
export const slotFor = (ctx: ServerContext, socket: net.Socket): number => (ctx.stagger ? ctx.stagger.slotOf(socket) : 0);

/** The feed a slot's connections are served from. */
export const feedOf = (ctx: ServerContext, slot: number): Feed => (ctx.stagger ? ctx.stagger.feeds[slot]! : ctx.feed);

export type ServerFactory = (ctx: ServerContext) => TransportServer;

/** Burns CPU for `us` microseconds: the injected per-message cost of `--inject-server-cost-us`. */
export function burnUs(us: number): void {
  if (us <= 0) return;
  const end = process.hrtime.bigint() + BigInt(Math.round(us * 1000));
  while (process.hrtime.bigint() < end);
}

/**
 * The prepared-message broadcast every push server uses alike (WebSocket, SSE, HTTP streaming): the caller frames
 * the message once, and the same bytes go to each subscriber's socket in one write. Polling answers differ per
 * request (cursor, Content-Length) and go through Node's HTTP responses instead.
 */
export function broadcast(sockets: Iterable<net.Socket>, frame: Buffer, injectServerCostUs: number): void {
  for (const socket of sockets) {
    burnUs(injectServerCostUs);
    socket.write(frame);
  }
}

/**
 * Writes exactly the profile's response head: no Date, no automatic Connection or Keep-Alive, nothing the
 * profile does not list. Keep-alive stays on (HTTP/1.1's default), only the header is not sent.
 */
export function writeProfileHead(res: http.ServerResponse, status: number, headers: HeaderList, length?: number): void {
  res.sendDate = false;
  for (const [name, value] of fillHeaders(headers, { length, date: httpDate() })) res.setHeader(name, value);
  if (!res.hasHeader('connection')) res.removeHeader('Connection');
  res.writeHead(status);
}

/** The cursor of a poll: `since` from the query string, or null for the subscribe request that has none. */
export function parseSince(url: string | undefined): number | null {
  const q = url?.indexOf('?since=') ?? -1;
  if (q < 0) return null;
  const n = Number(url!.slice(q + 7));
  return Number.isInteger(n) && n >= 0 ? n : null;
}
