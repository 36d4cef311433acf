/**
 * Short and long polling clients. Both subscribe with a request that has no cursor (answered at once with the
 * current sequence number), then ask `?since=CURSOR`. Short polling asks every `intervalMs` on a fixed schedule;
 * long polling asks again as soon as an answer arrives. Keep-alive: one connection, re-opened if the server
 * closes it (a profile with `Connection: close` gets a new connection per poll). After a lost connection the client
 * asks again from its cursor, after a backoff; with resume off (`--no-resume`) it subscribes afresh instead and skips
 * what was published meanwhile. With heartbeats on, a poll unanswered for 2.5 heartbeat intervals (long polling:
 * after its hold time) is taken for lost.
 */
import { LineSplitter, ResponseParser, type ResponseHead } from '../../protocol/http1.js';
import { PollingModel, pollRequestBytes } from './model.js';
import { Delivery, IDLE_HEARTBEATS, Lifecycle, h2Request, isH2, requestHead, responseHeadModel, type ClientContext, type SimClient } from '../client.js';
import { H2ClientConnection } from '../../protocol/h2/client.js';
import { h2Total } from '../../protocol/h2/frames.js';

const STATUS_200 = 'HTTP/1.1 200 OK';

export function createPollingClient(ctx: ClientContext, hold: boolean): SimClient {
  const { tally, profile } = ctx;
  const path = profile.paths.poll;
  const life = new Lifecycle(ctx, new Delivery(tally));
  const { delivery } = life;
  const subscribe = requestHead(ctx, 'poll', path);
  // A poll's head is the same but for the cursor's digits: written as the text before and after them.
  const pollBase = requestHead(ctx, 'poll', `${path}?since=`);
  const cursorAt = pollBase.text.indexOf(' HTTP/1.1\r\n');
  const pollBefore = pollBase.text.slice(0, cursorAt);
  const pollAfter = pollBase.text.slice(cursorAt);
  const responseHeadBytes = responseHeadModel(STATUS_200, profile.responses.poll);
  const model = new PollingModel(tally.model);
  // HTTP/2: one connection, each request a stream on it; the model is the frames it wrote and read.
  const h2 = isH2(ctx);
  const h2Subscribe = h2 ? h2Request(ctx, 'poll', path) : [];
  const pathAt = h2Subscribe.findIndex(([n]) => n === ':path');
  let conn: H2ClientConnection | null = null;

  const heartbeatMs = ctx.options.heartbeatMs ?? 0;
  const pollTimeoutMs = heartbeatMs > 0 ? (hold ? ctx.options.longPollTimeoutMs : 0) + heartbeatMs * IDLE_HEARTBEATS : 0;

  let parser: ResponseParser | null = null;
  let subscribed = false;
  let subscribedOnce = false;
  let inFlight = false;
  let timer: NodeJS.Timeout | null = null;
  let nextPollAt = 0;
  let bodyBytes = 0;
  let bodyMessages = false;
  let subscribeBody = '';
  /** The cursor of the poll in flight. */
  let pendingCursor = -1;
  const lines = new LineSplitter();

  const markDone = (): void => {
    if (timer) clearTimeout(timer);
    life.markDone();
  };

  let receivedHeadBytes = 0;
  const onHead = (head: ResponseHead): void => {
    bodyBytes = 0;
    receivedHeadBytes = head.headBytes;
    bodyMessages = false;
    if (head.status !== 200) tally.error(`HTTP_${head.status}`);
  };
  const onBody = (buf: Buffer, start: number, end: number): void => {
    bodyBytes += end - start;
    if (!subscribed) subscribeBody += buf.toString('latin1', start, end);
    else
      lines.push(buf, start, end, (b, s, e) => {
        bodyMessages = true;
        delivery.receive(b, s, e);
      });
  };
  const onEnd = (): void => {
    inFlight = false;
    life.idleTimeout(0);
    life.answered();
    const s2cKinds = conn?.takeS2c();
    const bytes = s2cKinds ? h2Total(s2cKinds) : (ctx.headsAsReceived ? receivedHeadBytes : responseHeadBytes(bodyBytes)) + bodyBytes;
    if (!subscribed) {
      // The request counts once the server has answered it: the cluster primary may accept and close a connection
      // unread (libuv's EMFILE reserve), and the retry must not count the same request twice.
      if (conn) {
        // HTTP/2: the preface, SETTINGS and their ACKs count with the first exchange, as set-up.
        const c2sKinds = conn.takeC2s();
        model.subscribed(h2Total(c2sKinds), bytes, c2sKinds, s2cKinds);
      } else model.subscribed(subscribe.modelBytes, bytes);
      subscribed = true;
      life.markSetup();
      const seq = Number(subscribeBody);
      subscribeBody = '';
      if (!subscribedOnce) {
        subscribedOnce = true;
        // Messages published before the subscription are not this client's: its cursor starts at the head.
        if (Number.isInteger(seq) && seq > 0) delivery.contiguous = seq;
        ctx.onSubscribed();
      } else if (Number.isInteger(seq)) delivery.skipTo(seq);
    } else {
      model.answered(bytes, bodyMessages, s2cKinds);
      // The client's socket is split where the server splits its own: an idle poll of the ramp precedes the window.
      life.responded(pendingCursor === 0 && !bodyMessages);
    }
    lines.reset();
    if (life.stopped || life.complete()) return markDone();
    schedule();
  };

  const connect = () => {
    parser = h2 ? null : new ResponseParser({ onHead, onBody, onEnd });
    conn = null;
    const s = life.open(
      (buf, end) => (conn ? conn.push(buf.subarray(0, end)) : parser!.execute(buf, 0, end)),
      send,
      () => {
        // A naive client starts over as a new subscriber after a lost connection.
        if (!life.resume && !life.stopped) subscribed = false;
        if (!inFlight) return;
        // The answer never came: ask again after a pause, on a new connection.
        inFlight = false;
        if (!life.stopped) timer = setTimeout(send, life.retryMs());
      },
      () => (inFlight ? 'CLOSED_BEFORE_RESPONSE' : null),
    );
    if (h2) {
      conn = new H2ClientConnection((b) => s.write(b), false, () => (tally.model.h2WindowUpdates = (tally.model.h2WindowUpdates ?? 0) + 1));
      conn.start();
    }
    return s;
  };

  const h2Handler = {
    onHead: (status: number, headerBlockBytes: number) => onHead({ status, headers: {}, headBytes: headerBlockBytes }),
    onBody,
    onEnd,
    onReset: (code: number) => {
      throw new Error(`H2_RST_STREAM_${code}`);
    },
  };

  function send(): void {
    timer = null;
    if (life.stopped) return;
    const s = life.socket && !life.socket.destroyed ? life.socket : connect();
    inFlight = true;
    life.idleTimeout(pollTimeoutMs);
    if (!subscribed) {
      if (conn) conn.request(h2Subscribe, h2Handler);
      else s.write(subscribe.text);
      return;
    }
    const cursor = delivery.cursor;
    nextPollAt = Date.now() + ctx.options.intervalMs;
    pendingCursor = cursor;
    if (conn) {
      const headers = h2Subscribe.slice();
      headers[pathAt] = [':path', `${path}?since=${cursor}`];
      life.requested(cursor);
      conn.request(headers, h2Handler);
      const c2sKinds = conn.takeC2s();
      model.requested(cursor, h2Total(c2sKinds), c2sKinds);
      return;
    }
    model.requested(cursor, pollRequestBytes(pollBase.modelBytes, cursor));
    life.requested(cursor);
    s.write(pollBefore + cursor + pollAfter);
  }

  function schedule(): void {
    if (hold) return send();
    const wait = nextPollAt - Date.now();
    // Overdue (or interval 0): ask now, without a timer per poll; the write itself is asynchronous.
    if (wait <= 0) return send();
    timer = setTimeout(send, wait);
  }

  return {
    start() {
      // Spread the first polls of a worker's clients evenly over one interval (golden-ratio sequence).
      nextPollAt = Date.now() + ((ctx.index * 0.618_033_988_75) % 1) * ctx.options.intervalMs;
      send();
    },
    finish(seq) {
      life.lastSeq = seq;
      // A long poll held by the server stays unanswered once nothing more will be published: done all the same.
      if (life.complete() && (!inFlight || hold)) markDone();
    },
    stop() {
      life.stopped = true;
      markDone();
    },
    close() {
      life.stopped = true;
      if (timer) clearTimeout(timer);
      life.socket?.destroy();
    },
    settle: (lastSeq) => model.settle(lastSeq),
  };
}
