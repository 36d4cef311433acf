/**
 * What HPACK makes of a poll: one HTTP/2 connection (node:http2 on both sides, clear text with prior knowledge) through
 * a relay on loopback that reads every frame both ways. The client sends the profile's poll request `requests` times on one connection, one after the other, and the server answers each with a small body.
 * Per request: the HPACK header block the client sent and the one it got back, and the bytes of each exchange both
 * ways, so the first request (empty dynamic table) stands beside the repeats (RFC 7541 §2.3.2: indexed fields).
 */
import { once } from 'node:events';
import http2 from 'node:http2';
import net from 'node:net';
import { H2FrameReader, h2Total, type H2Bytes } from './frames.js';
import { h2RequestHeaders, h2ResponseHeaders } from './heads.js';
import { fillHeaders, type HeaderProfile } from '../profiles.js';

export interface H2PollExchange {
  /** HPACK header block of the request (the HEADERS frame's fragment). */
  requestHeaderBlockBytes: number;
  responseHeaderBlockBytes: number;
  /** Every byte of the exchange on the wire, frame headers and control frames included. */
  c2sBytes: number;
  s2cBytes: number;
}

export interface H2PollProbe {
  /** The connection preface and both SETTINGS exchanges, before the first request. */
  setup: { c2s: H2Bytes; s2c: H2Bytes };
  exchanges: H2PollExchange[];
  /** Whole connection, by kind; adds up to every byte the relay carried. */
  total: { c2s: H2Bytes; s2c: H2Bytes };
  relayBytes: { c2s: number; s2c: number };
}

const snapshot = (r: H2FrameReader): H2Bytes => ({ ...r.bytes });

/** Runs the probe on loopback over clear-text HTTP/2 (h2c, prior knowledge): the relay must read the frames. */
export async function probeH2Poll(profile: HeaderProfile, requests: number, body = Buffer.from('0123456789abcdefghijk')): Promise<H2PollProbe> {
  const server = http2.createServer();
  const responseHead = h2ResponseHeaders(200, fillHeaders(profile.responses.poll, { length: body.length, date: new Date().toUTCString() }));
  server.on('stream', (stream) => {
    stream.respond(Object.fromEntries(responseHead));
    stream.end(body);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const serverPort = (server.address() as net.AddressInfo).port;

  const c2s = new H2FrameReader(true);
  const s2c = new H2FrameReader(false);
  let relayC2s = 0;
  let relayS2c = 0;
  const relay = await frameRelay(
    serverPort,
    (d) => {
      relayC2s += d.length;
      c2s.push(d);
    },
    (d) => {
      relayS2c += d.length;
      s2c.push(d);
    },
  );
  const authority = `127.0.0.1:${relay.port}`;
  const session = http2.connect(`http://${authority}`);
  await once(session, 'remoteSettings');
  // Let both SETTINGS ACKs cross before the first request, so set-up is only the connection's own frames.
  await new Promise((r) => setTimeout(r, 50));
  const setup = { c2s: snapshot(c2s), s2c: snapshot(s2c) };

  const exchanges: H2PollExchange[] = [];
  for (let i = 0; i < requests; i++) {
    // Each poll asks from a new cursor, as a polling client does: `:path` changes, the rest repeats.
    const requestHead = h2RequestHeaders(fillHeaders(profile.requests.poll, { host: authority }), `${profile.paths.poll}?since=${i}`, 'http');
    const before = { c2s: snapshot(c2s), s2c: snapshot(s2c) };
    const req = session.request(Object.fromEntries(requestHead), { endStream: true });
    req.resume();
    await once(req, 'end');
    await new Promise((r) => setTimeout(r, 20));
    const after = { c2s: snapshot(c2s), s2c: snapshot(s2c) };
    exchanges.push({
      requestHeaderBlockBytes: after.c2s.headerBlocks - before.c2s.headerBlocks,
      responseHeaderBlockBytes: after.s2c.headerBlocks - before.s2c.headerBlocks,
      c2sBytes: h2Total(after.c2s) - h2Total(before.c2s),
      s2cBytes: h2Total(after.s2c) - h2Total(before.s2c),
    });
  }
  const result: H2PollProbe = { setup, exchanges, total: { c2s: snapshot(c2s), s2c: snapshot(s2c) }, relayBytes: { c2s: relayC2s, s2c: relayS2c } };
  session.destroy();
  relay.close();
  server.close();
  return result;
}

/**
 * A loopback relay to `port` that hands every chunk it carries, each way, to the watchers before passing it on: how a
 * probe or a test reads the frames two node:http2 peers exchange. close() ends every connection and the listener.
 */
export async function frameRelay(port: number, onC2s: (d: Buffer) => void, onS2c: (d: Buffer) => void = () => {}): Promise<{ port: number; close(): void }> {
  const sockets: net.Socket[] = [];
  const relay = net.createServer((inbound) => {
    const outbound = net.connect(port, '127.0.0.1');
    sockets.push(inbound, outbound);
    inbound.on('data', (d: Buffer) => {
      onC2s(d);
      outbound.write(d);
    });
    outbound.on('data', (d: Buffer) => {
      onS2c(d);
      inbound.write(d);
    });
    inbound.on('error', () => outbound.destroy());
    outbound.on('error', () => inbound.destroy());
  });
  relay.listen(0, '127.0.0.1');
  await once(relay, 'listening');
  return {
    port: (relay.address() as net.AddressInfo).port,
    close() {
      for (const s of sockets) s.destroy();
      relay.close();
    },
  };
}
