/**
 * The kaazing study's file (`pushbench kaazing --json`): websocket.org's 2010 figures and what was measured against
 * them. Reports render it (reports/kaazing.ts); results/read.ts validates it.
 */
import type { Environment, TransportName, TransportRun } from './types.js';

/**
 * Version of the kaazing file layout. 1: `study: 'kaazing'` and `version: 1` said what the file was; 2: `kind` and
 * `schemaVersion` like every other pushbench file (version 1 files are still read).
 */
export const KAAZING_SCHEMA_VERSION = 2;

/** The article's published figures, as data (scenarios/studies/kaazing.json `kaazing.article`). */
export interface ArticleFigures {
  source: string;
  requestVisibleChars: number;
  responseVisibleChars: number;
  pollOverheadBytes: number;
  websocketFrameBytes: number;
  claimedRatios: string[];
  unitNote?: string;
  useCases: Array<{
    useCase: string;
    clients: number;
    pollingBitsPerS: number;
    pollingMbpsPrinted: number;
    websocketBitsPerS: number;
    websocketMbpsPrinted: number;
    websocketUnitPrinted: string;
  }>;
  latencyClaim: { oneWayDelayMs: number; pollingMs: number; websocketMs: number; ratio: string; quote: string };
}

/** One profile's poll exchange, counted from its heads with the framing models (harness/framing.ts). */
export interface ProfileHeads {
  profile: string;
  description: string;
  /** Lines of the poll request head (request line included) and response head (status line included). */
  requestLines: number;
  responseLines: number;
  requestVisibleChars: number;
  responseVisibleChars: number;
  requestWireBytes: number;
  /** With Content-Length of the scenario's payload and a 29-character date. */
  responseWireBytes: number;
  /** What `?since=N` adds to every poll after the subscribe request, for N = the largest sequence number of a run. */
  sinceBytes: number;
  sinceExample: string;
  /** Bytes of the WebSocket upgrade request head with this profile. */
  websocketRequestWireBytes: number;
}

/** RFC 6455 and hixie-76 frame overhead for the scenario's payload (harness/framing.ts). */
export interface FramingModel {
  payloadBytes: number;
  wsServerToClientHeaderBytes: number;
  wsClientToServerHeaderBytes: number;
  hixie76FrameOverheadBytes: number;
  tcpIpHeaderBytesPerSegment: number;
  /** One message each way counted at a real socket (absent in older results). */
  measured?: { payloadBytes: number; c2sFrameBytes: number; s2cFrameBytes: number };
}

/** TCP counters of the server's sockets over a measured interval, from `ss -tin` (harness/tcp-stats.ts). */
export interface TcpPerMessage {
  /** Messages delivered in the interval (clients x messages published in it). */
  messages: number;
  sockets: number;
  segmentsPerMessage: number;
  ackOnlySegmentsPerMessage: number;
  tcpIpHeaderBytesPerMessage: number;
  /** TCP payload bytes per message, both directions, from the kernel's counters (cross-check of the wire stats). */
  tcpPayloadBytesPerMessage: number;
}

export interface KaazingCase {
  useCase: string;
  clients: number;
  profile: string;
  /** Results file the runs were written to (relative path), when measured. */
  resultsFile: string | null;
  runs: TransportRun[];
  tcp: Partial<Record<TransportName, TcpPerMessage>>;
  /** Set when this case was not run: its figures are scaled from another case's measured per-message overhead. */
  extrapolatedFrom: { useCase: string; clients: number; resultsFile: string | null; reason: string } | null;
  /**
   * Transports of a measured case that were not run because a capacity search found this machine cannot sustain
   * the case's client count with them (polling only: a poller that cannot keep up changes its bytes per message);
   * their rows are scaled from `from`, the largest case of the same profile where they were measured. Absent: none.
   */
  ruledOut?: RuledOut[];
}

/** One transport left out of a case by a capacity search (`pushbench kaazing --capacity FILE`). */
export interface RuledOut {
  transport: TransportName;
  /** What the search found, and under which conditions. */
  capacity: {
    /** The capacity results file, relative to the package. */
    file: string;
    maxClients: number;
    firstFailedClients: number | null;
    limitedBy: string;
    rate: number;
    intervalMs: number;
    p99Ms: number;
    durationS: number;
    profile: string;
  };
  /** The case whose measured bytes per message stand in for this transport's (null: none measured it). */
  from: { useCase: string; clients: number; resultsFile: string | null } | null;
}

export interface LatencyMode {
  mode: string;
  transport: TransportName;
  connection: 'persistent' | 'keep-alive' | 'new connection per poll';
  profile: string;
  latencyMs: { p50: number; p90: number; p99: number; max: number; count: number } | null;
  error: string | null;
  /** TCP connections the clients opened through the delay proxy (shows whether polls reused them). */
  proxyConnections?: number;
}

/** One kind of exchange timed through the delay proxy, and how many one-way trips the protocol needs for it. */
export interface ExchangeTiming {
  exchange: string;
  connection: string;
  /** One-way trips the exchange needs: 1 for a pushed frame, 2 for request + response, 4 with a TCP handshake first. */
  oneWayTrips: number;
  count: number;
  p50Ms: number;
  minMs: number;
  maxMs: number;
}

export interface KaazingLatency {
  oneWayDelayMs: number;
  jitterMs: number;
  clients: number;
  rate: number;
  intervalMs: number;
  modes: LatencyMode[];
  /** The claim's own comparison, exchange by exchange (absent in older results). */
  exchanges?: ExchangeTiming[];
}

/** Everything `pushbench kaazing` measured, in one file. */
export interface KaazingResults {
  /** Absent (and `study: 'kaazing', version: 1` instead) in files written before the file kinds were unified. */
  kind: 'kaazing';
  schemaVersion: typeof KAAZING_SCHEMA_VERSION;
  tool: 'pushbench';
  startedAt: string;
  finishedAt: string;
  environment: Environment;
  /** The command line the study was run with, for reproducing it. */
  command: string;
  rate: number;
  payloadBytes: number;
  durationS: number;
  article: ArticleFigures;
  framing: FramingModel;
  profiles: ProfileHeads[];
  cases: KaazingCase[];
  latency: KaazingLatency | null;
}
