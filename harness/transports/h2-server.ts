/**
 * What the HTTP transports' servers share over HTTP/2 (`--protocol h2|h2c`, node:http2): one session per client
 * connection, each poll or stream a stream on it. The transports answer with the profile's heads as HTTP/2 carries
 * them (harness/protocol/h2/heads.ts) and mark the run's split on the session's socket, as over HTTP/1.1.
 *
 * node:http2 writes a stream's frames on its own schedule: a response given to `respond`/`end` reaches the socket in
 * the next check phase (nghttp2's send runs in a native immediate, before ours). So a mark that follows a response
 * (set-up, a poll's answer) is taken in the next immediate, when its frames have been written; no socket is read in
 * between (reads happen in the poll phase), so the bytes read then are those the client sent before it had the answer.
 */
import type http2 from 'node:http2';
import type net from 'node:net';
import { h2ResponseHeaders } from '../protocol/h2/heads.js';
import type { HeaderList } from '../protocol/framing.js';
import { fillHeaders, httpDate } from '../protocol/profiles.js';

export type H2Server = http2.Http2Server | http2.Http2SecureServer;

export class H2Host {
  private readonly socketOf = new WeakMap<http2.Http2Session, net.Socket>();
  private readonly sessions = new Set<http2.ServerHttp2Session>();

  /** `secure`: the sockets come from 'secureConnection' (TLS), else 'connection'. */
  constructor(
    readonly server: H2Server,
    secure: boolean,
  ) {
    // node:http2 makes the session inside its own connection listener and hands out only a proxy of the socket: the
    // socket being accepted is the one the next session is made on.
    let accepted: net.Socket | null = null;
    server.prependListener(secure ? 'secureConnection' : 'connection', (socket: net.Socket) => {
      accepted = socket;
    });
    server.on('session', (session: http2.ServerHttp2Session) => {
      if (accepted) this.socketOf.set(session, accepted);
      accepted = null;
      this.sessions.add(session);
      session.on('error', () => {});
      session.once('close', () => this.sessions.delete(session));
    });
  }

  /** The socket (TLS socket over TLS) the stream's session runs on. */
  socket(stream: http2.ServerHttp2Stream): net.Socket | undefined {
    return stream.session ? this.socketOf.get(stream.session) : undefined;
  }

  /** Runs `fn` once the frames queued so far have been written to the socket (see the file's comment). */
  afterWrite(fn: () => void): void {
    setImmediate(fn);
  }

  /**
   * Sends the profile's response head (no Date, nothing the profile does not list; connection-specific fields
   * dropped, RFC 9113 §8.2.2) and, with `body`, the body and END_STREAM.
   */
  respond(stream: http2.ServerHttp2Stream, status: number, headers: HeaderList, body?: Buffer): void {
    if (stream.destroyed || stream.closed) return;
    const fields = h2ResponseHeaders(status, fillHeaders(headers, { length: body?.length, date: httpDate() }));
    stream.respond(Object.fromEntries(fields), { sendDate: false, endStream: body !== undefined && body.length === 0 } as http2.ServerStreamResponseOptions);
    if (body && body.length > 0) stream.end(body);
  }

  closeAll(): void {
    for (const s of this.sessions) s.destroy();
    this.sessions.clear();
  }
}
