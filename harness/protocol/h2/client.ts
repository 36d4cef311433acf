/**
 * A lean HTTP/2 client connection for the simulated clients (RFC 9113), on a socket the client opened itself (clear
 * text with prior knowledge, or TLS with ALPN h2): the connection preface and SETTINGS, one HEADERS frame per
 * request (HPACK, one encoder per connection), responses split into frames by H2FrameReader, DATA payload handed to
 * the transport's own body parser, SETTINGS and PING acknowledged, the receive windows kept open.
 *
 * What it writes and reads it also counts by kind (preface, frame headers, HPACK blocks, DATA, control frames): the
 * transports take those counts at the events where they split a run (`takeC2s`, `takeS2c`), and that is the wire
 * model of an HTTP/2 run — built from the frames the client sent and parsed, held against the sockets' counts.
 *
 * Flow control, as Chromium does it: SETTINGS_INITIAL_WINDOW_SIZE 6 MiB per stream and the connection window raised
 * to 15 MiB with a WINDOW_UPDATE in the preface; a WINDOW_UPDATE returns what was consumed once it reaches half the
 * window (stream and connection alike). Polls hold their connection's update until the next request and write both
 * in one write, so an update never crosses a boundary of the run's split; streams send it at once.
 *
 * The first request waits for the server's SETTINGS and goes out with their ACK in one write (a browser sends it at
 * once; the bytes are the same, only their order differs): the ACK then never races the set-up boundary.
 */
import { H2FrameReader, H2_CLIENT_PREFACE, H2_FRAME_HEADER_BYTES, H2_FRAME_TYPES, emptyH2Bytes, encodeFrameHeader, type H2Bytes, type H2FrameHeader } from './frames.js';
import { HpackDecoder, HpackEncoder } from './hpack.js';

const FLAG_END_STREAM = 0x1;
const FLAG_ACK = 0x1;
const FLAG_END_HEADERS = 0x4;
const FLAG_PADDED = 0x8;
const FLAG_PRIORITY = 0x20;

/** SETTINGS identifiers (RFC 9113 §6.5.2). */
const SETTINGS_HEADER_TABLE_SIZE = 0x1;
const SETTINGS_ENABLE_PUSH = 0x2;
const SETTINGS_INITIAL_WINDOW_SIZE = 0x4;
const SETTINGS_MAX_HEADER_LIST_SIZE = 0x6;

/** Chromium's values (net/http2 defaults). */
export const H2_CLIENT_SETTINGS: ReadonlyArray<readonly [number, number]> = [
  [SETTINGS_HEADER_TABLE_SIZE, 65_536],
  [SETTINGS_ENABLE_PUSH, 0],
  [SETTINGS_INITIAL_WINDOW_SIZE, 6_291_456],
  [SETTINGS_MAX_HEADER_LIST_SIZE, 262_144],
];
export const H2_STREAM_WINDOW = 6_291_456;
/** The connection window Chromium asks for: 65,535 by default, raised by the preface's WINDOW_UPDATE. */
export const H2_CONNECTION_WINDOW = 15_728_640;
const DEFAULT_WINDOW = 65_535;
/** The HPACK table our encoder may use: the server's SETTINGS_HEADER_TABLE_SIZE, 4096 unless it says otherwise. */
const DEFAULT_TABLE_SIZE = 4096;

export interface H2ResponseHandler {
  /** The response's header block: its `:status`, the block's size and the fields. */
  onHead(status: number, headerBlockBytes: number, headers: Array<[string, string]>): void;
  onBody(buf: Buffer, start: number, end: number): void;
  onEnd(): void;
  /** RST_STREAM from the server. */
  onReset?(code: number): void;
}

/** Counts the client kept: frames by kind each way, and WINDOW_UPDATE frames it sent. */
export interface H2Counts {
  c2s: H2Bytes;
  s2c: H2Bytes;
  windowUpdatesSent: number;
}

function frame(type: number, flags: number, streamId: number, payload: Buffer): Buffer {
  return Buffer.concat([encodeFrameHeader({ length: payload.length, type, flags, streamId }), payload]);
}

function settingsPayload(list: ReadonlyArray<readonly [number, number]>): Buffer {
  const b = Buffer.alloc(6 * list.length);
  list.forEach(([id, v], i) => {
    b.writeUInt16BE(id, i * 6);
    b.writeUInt32BE(v, i * 6 + 2);
  });
  return b;
}

function windowUpdate(streamId: number, increment: number): Buffer {
  const p = Buffer.alloc(4);
  p.writeUInt32BE(increment & 0x7fffffff, 0);
  return frame(H2_FRAME_TYPES.WINDOW_UPDATE, 0, streamId, p);
}

/** Adds `b` into `into`. */
export function addH2Bytes(into: H2Bytes, b: H2Bytes): void {
  into.preface += b.preface;
  into.frameHeaders += b.frameHeaders;
  into.headerBlocks += b.headerBlocks;
  into.data += b.data;
  into.control += b.control;
  into.frames += b.frames;
}

const diff = (a: H2Bytes, b: H2Bytes): H2Bytes => ({
  preface: a.preface - b.preface,
  frameHeaders: a.frameHeaders - b.frameHeaders,
  headerBlocks: a.headerBlocks - b.headerBlocks,
  data: a.data - b.data,
  control: a.control - b.control,
  frames: a.frames - b.frames,
});

interface OpenStream {
  handler: H2ResponseHandler;
  /** DATA received and not yet returned with a WINDOW_UPDATE. */
  unacked: number;
}

export class H2ClientConnection {
  readonly counts: H2Counts = { c2s: emptyH2Bytes(), s2c: emptyH2Bytes(), windowUpdatesSent: 0 };
  private readonly encoder = new HpackEncoder(DEFAULT_TABLE_SIZE);
  private readonly decoder = new HpackDecoder(65_536);
  private readonly reader: H2FrameReader;
  /** Counts every byte this end writes, as the server's reader would see them. */
  private readonly writer = new H2FrameReader(true);
  private readonly streams = new Map<number, OpenStream>();
  private nextStreamId = 1;
  private connectionUnacked = 0;
  /** Control frames waiting to go out with the next request (polls), or at once (`eager`). */
  private held: Buffer[] = [];
  private settingsReceived = false;
  /** Requests made before the server's SETTINGS arrived. */
  private readonly waiting: Array<() => void> = [];
  /** A header block arriving in HEADERS + CONTINUATION frames. */
  private block: { streamId: number; parts: Buffer[]; endStream: boolean } | null = null;
  private takenC2s = emptyH2Bytes();
  private takenS2c = emptyH2Bytes();

  /**
   * `write`: puts bytes on the socket (one call, one write). `eagerWindowUpdates`: send a connection WINDOW_UPDATE as
   * soon as it is due (streams) rather than with the next request (polls).
   */
  constructor(
    private readonly write: (b: Buffer) => void,
    private readonly eagerWindowUpdates: boolean,
    /** Told of each WINDOW_UPDATE this end sends. */
    private readonly onWindowUpdate: () => void = () => {},
  ) {
    this.reader = new H2FrameReader(false, (h, payload) => this.onFrame(h, payload));
  }

  /** Writes the preface, SETTINGS and the connection's WINDOW_UPDATE; call once the socket is open. */
  start(): void {
    this.send(
      Buffer.concat([
        H2_CLIENT_PREFACE,
        frame(H2_FRAME_TYPES.SETTINGS, 0, 0, settingsPayload(H2_CLIENT_SETTINGS)),
        windowUpdate(0, H2_CONNECTION_WINDOW - DEFAULT_WINDOW),
      ]),
    );
  }

  /** Every byte read from the socket, in order. */
  push(chunk: Buffer): void {
    this.reader.push(chunk);
  }

  /**
   * Sends a request with these header fields (pseudo-headers first), after the server's SETTINGS have arrived;
   * returns the stream identifier. `endStream` (a GET): the request has no body; false for an extended CONNECT
   * (RFC 8441), whose stream then carries `data` both ways.
   */
  request(headers: ReadonlyArray<readonly [string, string]>, handler: H2ResponseHandler, endStream = true): number {
    const id = this.nextStreamId;
    this.nextStreamId += 2;
    this.streams.set(id, { handler, unacked: 0 });
    const go = (): void => {
      const block = this.encoder.encode(headers, { huffman: true });
      const out = [...this.held, frame(H2_FRAME_TYPES.HEADERS, (endStream ? FLAG_END_STREAM : 0) | FLAG_END_HEADERS, id, block)];
      this.held = [];
      this.send(out.length === 1 ? out[0]! : Buffer.concat(out));
    };
    if (this.settingsReceived) go();
    else this.waiting.push(go);
    return id;
  }

  /** One DATA frame on an open stream (a WebSocket frame of an extended CONNECT), written at once. */
  data(streamId: number, payload: Buffer): void {
    this.send(frame(H2_FRAME_TYPES.DATA, 0, streamId, payload));
  }

  /** The settings the server sent, by identifier (RFC 9113 §6.5.2; 0x8: SETTINGS_ENABLE_CONNECT_PROTOCOL, RFC 8441). */
  readonly serverSettings = new Map<number, number>();

  /** Bytes written since the last call, by kind. */
  takeC2s(): H2Bytes {
    const d = diff(this.writer.bytes, this.takenC2s);
    this.takenC2s = { ...this.writer.bytes };
    return d;
  }

  /** Bytes read (whole frames) since the last call, by kind. */
  takeS2c(): H2Bytes {
    const d = diff(this.reader.bytes, this.takenS2c);
    this.takenS2c = { ...this.reader.bytes };
    return d;
  }

  private send(b: Buffer): void {
    this.writer.push(b);
    this.counts.c2s = this.writer.bytes;
    this.write(b);
  }

  private onFrame(h: H2FrameHeader, payload: Buffer): void {
    this.counts.s2c = this.reader.bytes;
    switch (h.type) {
      case H2_FRAME_TYPES.DATA:
        return this.onData(h, payload);
      case H2_FRAME_TYPES.HEADERS: {
        let start = 0;
        let end = payload.length;
        if (h.flags & FLAG_PADDED) {
          end -= payload[0]!;
          start = 1;
        }
        if (h.flags & FLAG_PRIORITY) start += 5;
        this.block = { streamId: h.streamId, parts: [payload.subarray(start, end)], endStream: (h.flags & FLAG_END_STREAM) !== 0 };
        if (h.flags & FLAG_END_HEADERS) this.endBlock();
        return;
      }
      case H2_FRAME_TYPES.CONTINUATION:
        if (!this.block || this.block.streamId !== h.streamId) throw new Error('H2_PROTOCOL_ERROR');
        this.block.parts.push(payload);
        if (h.flags & FLAG_END_HEADERS) this.endBlock();
        return;
      case H2_FRAME_TYPES.SETTINGS:
        if (h.flags & FLAG_ACK) return;
        for (let i = 0; i + 6 <= payload.length; i += 6) {
          this.serverSettings.set(payload.readUInt16BE(i), payload.readUInt32BE(i + 2));
          // The server's decoder table bounds ours; we keep to 4096 (its default) whatever it allows.
          if (payload.readUInt16BE(i) === SETTINGS_HEADER_TABLE_SIZE && payload.readUInt32BE(i + 2) < DEFAULT_TABLE_SIZE) throw new Error('H2_HEADER_TABLE_TOO_SMALL');
        }
        this.held.push(frame(H2_FRAME_TYPES.SETTINGS, FLAG_ACK, 0, Buffer.alloc(0)));
        if (this.settingsReceived) {
          // A later SETTINGS (node:http2 sends none) is acknowledged at once.
          this.flushHeld();
          return;
        }
        // The first: its ACK goes out with the first request, in one write.
        this.settingsReceived = true;
        for (const go of this.waiting.splice(0)) go();
        return;
      case H2_FRAME_TYPES.PING:
        if (h.flags & FLAG_ACK) return;
        this.send(frame(H2_FRAME_TYPES.PING, FLAG_ACK, 0, Buffer.from(payload)));
        return;
      case H2_FRAME_TYPES.RST_STREAM: {
        const s = this.streams.get(h.streamId);
        this.streams.delete(h.streamId);
        s?.handler.onReset?.(payload.readUInt32BE(0));
        return;
      }
      case H2_FRAME_TYPES.GOAWAY:
        throw new Error('H2_GOAWAY');
      default:
        // WINDOW_UPDATE (we send no DATA), PRIORITY, unknown types: nothing to do (§5.5).
        return;
    }
  }

  /** Sends what is held (a SETTINGS ACK, a WINDOW_UPDATE) now. */
  private flushHeld(): void {
    const out = this.held;
    this.held = [];
    this.send(out.length === 1 ? out[0]! : Buffer.concat(out));
  }

  private endBlock(): void {
    const b = this.block!;
    this.block = null;
    const block = b.parts.length === 1 ? b.parts[0]! : Buffer.concat(b.parts);
    // Every block is decoded, whoever it is for: the decoder's table must follow the server's encoder.
    const headers = this.decoder.decode(block);
    const s = this.streams.get(b.streamId);
    if (!s) return;
    const status = Number(headers.find(([n]) => n === ':status')?.[1] ?? 0);
    s.handler.onHead(status, block.length, headers);
    if (b.endStream) this.endStream(b.streamId, s);
  }

  private onData(h: H2FrameHeader, payload: Buffer): void {
    // Flow control counts the whole payload, padding included (§6.9.1).
    this.connectionUnacked += h.length;
    const s = this.streams.get(h.streamId);
    let start = 0;
    let end = payload.length;
    if (h.flags & FLAG_PADDED) {
      end -= payload[0]!;
      start = 1;
    }
    const endStream = (h.flags & FLAG_END_STREAM) !== 0;
    if (s) {
      s.unacked += h.length;
      if (end > start) s.handler.onBody(payload, start, end);
      if (!endStream && s.unacked >= H2_STREAM_WINDOW / 2) {
        this.counts.windowUpdatesSent++;
        this.onWindowUpdate();
        this.send(windowUpdate(h.streamId, s.unacked));
        s.unacked = 0;
      }
    }
    if (this.connectionUnacked >= H2_CONNECTION_WINDOW / 2) {
      this.counts.windowUpdatesSent++;
      this.onWindowUpdate();
      this.held.push(windowUpdate(0, this.connectionUnacked));
      this.connectionUnacked = 0;
      if (this.eagerWindowUpdates) this.flushHeld();
    }
    if (s && endStream) this.endStream(h.streamId, s);
  }

  private endStream(id: number, s: OpenStream): void {
    this.streams.delete(id);
    s.handler.onEnd();
  }
}

/** Bytes of a frame with this payload: the 9-byte header and the payload. */
export const h2FrameBytes = (payloadBytes: number): number => H2_FRAME_HEADER_BYTES + payloadBytes;
