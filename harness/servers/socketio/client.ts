/**
 * A lean Socket.IO client on raw sockets, speaking Engine.IO v4 and Socket.IO v5 itself (no socket.io-client: its
 * cost per connection would be the generator's, not the protocol's).
 *
 * `websocket`: `GET /socket.io/?EIO=4&transport=websocket` upgraded; the server's open packet, the client's CONNECT
 * (`40`, masked), the server's CONNECT answer (`40{"sid":…}`): set-up. Then one frame per event; a ping (`2`) is
 * answered with a pong (`3`).
 *
 * `long-polling`: one keep-alive connection. `GET …&transport=polling` answers the open packet; `POST …&sid=SID`
 * carries `40`; the next `GET` answers the CONNECT: set-up. Then a `GET` is always pending; its answer is every packet
 * queued since, joined by `\x1e`. A ping arrives as an answer, and the pong is POSTed before the next GET (nothing is
 * pending then), so one connection does what a browser does with two. No upgrade probe (the server offers none).
 *
 * Resuming: a session that drops is gone (Engine.IO sessions do not survive their transport); the client opens a new
 * one and what was published meanwhile is lost, as for Socket.IO without connection-state recovery.
 */
import { randomBytes } from 'node:crypto';
import { httpHeadBytes, httpHeadString, wsAcceptKey } from '../../protocol/framing.js';
import { parseHead, ResponseParser, type ResponseHead } from '../../protocol/http1.js';
import { fillHeaders } from '../../protocol/profiles.js';
import { Delivery, Lifecycle, RETRY_MS, requestHead, type ClientContext, type ClientFactory, type SimClient } from '../../transports/client.js';
import type { TransportName } from '../../../results/types.js';
import { closeWebSocket, maskedFrame, WsFrameReader } from '../../protocol/ws-frames.js';
import { PollingModel } from '../../transports/polling/model.js';
import { EIO, eventDataRange, eventPacketBytes, parseOpen, pollingPayloadBytes, SIO, wsPacketBytes } from './framing.js';
import { SOCKET_IO_PATH } from './server.js';

const CONNECT = Buffer.from(EIO.message + SIO.connect);
const PONG = Buffer.from(EIO.pong);

/** Bytes a received packet is modelled to take: the feed's events by formula, anything else as its own length. */
function packetModelBytes(buf: Buffer, start: number, end: number, dataRange: [number, number] | null): number {
  return dataRange ? eventPacketBytes(dataRange[1] - dataRange[0]) : end - start;
}

function websocketClient(ctx: ClientContext): SimClient {
  const { tally } = ctx;
  const life = new Lifecycle(ctx, new Delivery(tally));
  let subscribedOnce = false;
  const connect = (): void => {
    const key = randomBytes(16).toString('base64');
    const req = requestHead(ctx, 'websocket', `${SOCKET_IO_PATH}?EIO=4&transport=websocket`, { key });
    let upgraded = false;
    let connected = false;
    let pending: Buffer | null = null;
    const write = (packet: Buffer, setup: boolean): void => {
      const frame = maskedFrame(1, packet);
      if (setup) tally.model.setupC2s += wsPacketBytes(packet.length, true);
      else tally.model.c2s += wsPacketBytes(packet.length, true);
      s.write(frame);
    };
    const reader = new WsFrameReader((opcode, _fin, payload) => {
      if (opcode === 8) return void s.end();
      if (opcode !== 1) return;
      const type = payload[0];
      if (!connected) {
        tally.model.setupS2c += wsPacketBytes(payload.length, false);
        if (type === 0x30 /* 0 open */) {
          if (!parseOpen(payload.toString('utf8'))) throw new Error('EIO_BAD_OPEN');
          write(CONNECT, true);
        } else if (type === 0x34 && payload[1] === 0x30 /* 40 CONNECT */) {
          connected = true;
          life.markSetup();
          if (!subscribedOnce) {
            subscribedOnce = true;
            ctx.onSubscribed();
          }
        } else throw new Error('SIO_UNEXPECTED_PACKET');
        return;
      }
      if (type === 0x32 /* 2 ping */) {
        tally.model.s2c += wsPacketBytes(payload.length, false);
        write(PONG, false);
        return;
      }
      const range = eventDataRange(payload, 0, payload.length);
      tally.model.s2c += wsPacketBytes(packetModelBytes(payload, 0, payload.length, range), false);
      if (!range) return void tally.error('SIO_UNEXPECTED_PACKET');
      life.delivery.receive(payload, range[0], range[1]);
      if (life.complete()) life.markDone();
    });
    const onData = (chunk: Buffer): void => {
      if (upgraded) return reader.push(chunk);
      const buf = pending ? Buffer.concat([pending, chunk]) : chunk;
      const h = parseHead(buf);
      if (!h) {
        pending = Buffer.from(buf);
        return;
      }
      pending = null;
      if (h.status !== 101) throw new Error(`HTTP_${h.status}`);
      if (h.headers['sec-websocket-accept'] !== wsAcceptKey(key)) throw new Error('WS_BAD_ACCEPT');
      tally.model.setupS2c += h.headBytes;
      upgraded = true;
      if (buf.length > h.headBytes) reader.push(buf.subarray(h.headBytes));
    };
    const s = life.open(
      (buf, end) => onData(buf.subarray(0, end)),
      connect,
      () => {
        if (!life.stopped) setTimeout(() => !life.stopped && connect(), RETRY_MS);
      },
      () => (connected ? null : 'CLOSED_IN_HANDSHAKE'),
    );
    // Counted as written: the bytes are measured at this socket, which counts a request closed on unanswered.
    tally.model.setupC2s += req.modelBytes;
    s.write(req.text);
  };
  return life.pushClient(connect, () => closeWebSocket(life.socket));
}

/** `POST` of an Engine.IO payload: the profile's poll head plus what a body needs. */
function postHead(ctx: ClientContext, target: string, bodyBytes: number): { text: string; modelBytes: number } {
  const startLine = `POST ${target} HTTP/1.1`;
  const headers: Array<[string, string]> = [
    ...fillHeaders(ctx.profile.requests.poll, { host: `${ctx.host}:${ctx.port}` }),
    ['Content-Type', 'text/plain;charset=UTF-8'],
    ['Content-Length', String(bodyBytes)],
  ];
  return { text: httpHeadString(startLine, headers), modelBytes: httpHeadBytes(startLine, headers) };
}

function pollingClient(ctx: ClientContext): SimClient {
  const { tally } = ctx;
  const life = new Lifecycle(ctx, new Delivery(tally));
  let subscribedOnce = false;
  /** Session state: reset when a session is lost. */
  let sid: string | null = null;
  let connected = false;
  let sentConnect = false;
  let inFlight: 'get' | 'post' | null = null;
  /** A pong owed to the server, POSTed before the next GET. */
  let owePong = false;
  let head: ResponseHead | null = null;
  let body: Buffer[] = [];
  let parser: ResponseParser | null = null;

  const base = `${SOCKET_IO_PATH}?EIO=4&transport=polling`;
  // After set-up every request and its answer is one exchange, split before, inside and after the window as the
  // embedded polls are (transports/polling/model.ts), on the client's socket and in the model alike.
  const model = new PollingModel(tally.model);
  /** The highest sequence number held when the request in flight was written. */
  let pendingCursor = -1;
  /** Responses are counted when they end, requests when they are written (the last GET is never answered). */
  const count = (setup: boolean, s2c: number, messages = false): void => {
    if (setup) return model.subscribed(0, s2c);
    model.answered(s2c, messages);
    life.responded(pendingCursor === 0 && !messages);
  };
  const write = (s: import('node:net').Socket, head: string, headBytes: number, body?: Buffer): void => {
    const bytes = headBytes + (body?.length ?? 0);
    if (connected) {
      pendingCursor = life.delivery.cursor;
      model.requested(pendingCursor, bytes);
      life.requested(pendingCursor);
    } else model.subscribed(bytes, 0);
    s.write(head);
    if (body) s.write(body);
  };

  const onEnd = (): void => {
    const h = head!;
    const kind = inFlight;
    inFlight = null;
    const payload = Buffer.concat(body);
    const setup = !connected;
    if (h.status !== 200) {
      // 400 "Session ID unknown" and the like: the session is gone; start a new one.
      tally.error(`HTTP_${h.status}`);
      count(setup, h.headBytes + payload.length);
      sid = null;
      connected = false;
      return void setTimeout(next, RETRY_MS);
    }
    if (kind === 'post') {
      // The answer to a POST is `ok`.
      count(setup, h.headBytes + payload.length);
      return next();
    }
    let packetBytes: number[] = [];
    let events = 0;
    let i = 0;
    while (i <= payload.length) {
      let end = payload.indexOf(0x1e, i);
      if (end < 0) end = payload.length;
      if (end > i) {
        const type = payload[i];
        const range = eventDataRange(payload, i, end);
        packetBytes.push(packetModelBytes(payload, i, end, range));
        if (range) {
          events++;
          life.delivery.receive(payload, range[0], range[1]);
        } else if (type === 0x30 /* open */) {
          const hs = parseOpen(payload.toString('utf8', i, end));
          if (!hs) throw new Error('EIO_BAD_OPEN');
          sid = hs.sid;
        } else if (type === 0x34 && payload[i + 1] === 0x30 /* 40 CONNECT */) {
          connected = true;
        } else if (type === 0x32 /* ping */) owePong = true;
        else if (type === 0x31 /* close */) {
          sid = null;
          connected = false;
        } else if (type !== 0x36 /* noop */) tally.error('SIO_UNEXPECTED_PACKET');
      }
      i = end + 1;
    }
    count(setup, h.headBytes + pollingPayloadBytes(packetBytes), events > 0);
    packetBytes = [];
    if (setup && connected) {
      life.markSetup();
      if (!subscribedOnce) {
        subscribedOnce = true;
        ctx.onSubscribed();
      }
    }
    if (life.complete()) life.markDone();
    if (life.stopped || (life.complete() && life.lastSeq !== Infinity)) return;
    next();
  };

  const connect = () => {
    parser = new ResponseParser({
      onHead: (h) => {
        head = h;
        body = [];
      },
      onBody: (b, s, e) => void body.push(Buffer.from(b.subarray(s, e))),
      onEnd,
    });
    return life.open(
      (buf, end) => parser!.execute(buf, 0, end),
      next,
      () => {
        if (!inFlight) return;
        inFlight = null;
        if (!life.stopped) setTimeout(next, RETRY_MS);
      },
      () => (inFlight ? 'CLOSED_BEFORE_RESPONSE' : null),
    );
  };

  /** The next request of the session: handshake, CONNECT, a pong owed, or the next long poll. */
  function next(): void {
    if (life.stopped || inFlight) return;
    const s = life.socket && !life.socket.destroyed ? life.socket : connect();
    if (sid === null) {
      connected = false;
      sentConnect = false;
      owePong = false;
      const req = requestHead(ctx, 'poll', base);
      inFlight = 'get';
      write(s, req.text, req.modelBytes);
      return;
    }
    const target = `${base}&sid=${sid}`;
    const post = !connected && !sentConnect ? CONNECT : owePong ? PONG : null;
    if (post) {
      if (post === CONNECT) sentConnect = true;
      owePong = false;
      const req = postHead(ctx, target, post.length);
      inFlight = 'post';
      write(s, req.text, req.modelBytes, post);
      return;
    }
    const req = requestHead(ctx, 'poll', target);
    inFlight = 'get';
    write(s, req.text, req.modelBytes);
  }

  return {
    start: next,
    finish(seq) {
      life.lastSeq = seq;
      // The pending GET stays unanswered once nothing more will be published: done all the same.
      if (life.complete()) life.markDone();
    },
    stop() {
      life.stopped = true;
      life.markDone();
    },
    close() {
      life.stopped = true;
      life.socket?.destroy();
    },
    settle: (lastSeq) => model.settle(lastSeq),
  };
}

export function socketIoClient(transport: TransportName): ClientFactory {
  if (transport === 'websocket') return websocketClient;
  if (transport === 'long-polling') return pollingClient;
  throw new Error(`Socket.IO has no ${transport} transport`);
}
