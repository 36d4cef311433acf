/**
 * Every public type of pushbench in one place: the run options, the results schema, the live samples.
 * Reports and dashboards import these with `import type` only, so they never pull in the harness's runtime.
 *
 * Units are in the names: `Bytes`, `Ms`, `S`, `PerS`. Latency histograms hold microseconds.
 */

/** The five push transports, by their registered names. */
export type TransportName = 'short-polling' | 'long-polling' | 'sse' | 'http-streaming' | 'websocket';

export const TRANSPORT_NAMES: readonly TransportName[] = [
  'short-polling',
  'long-polling',
  'sse',
  'http-streaming',
  'websocket',
];

/**
 * What the clients talk to: pushbench's own servers (`embedded`), nginx with the nchan module, the official Socket.IO
 * server, or a server of the user's that implements docs/contract.md (`external`). harness/servers/ holds each.
 */
export type ServerKind = 'embedded' | 'nchan' | 'socketio' | 'external';

export const SERVER_KINDS: readonly ServerKind[] = ['embedded', 'nchan', 'socketio', 'external'];

/** Version of the results file layout. Bump on any incompatible change and say what changed in README.md. */
export const SCHEMA_VERSION = 2;
/**
 * Versions this pushbench still reads. Version 1 had no window split (`wire.c2sBytes` counted everything after set-up)
 * and named the received bodies `wire.payloadBytes`; readers use `receivedBodyBytes()`.
 */
export const READABLE_SCHEMA_VERSIONS: readonly number[] = [1, 2];

/** What one `pushbench run` is asked to do, after the scenario file and the flags are merged and validated. */
export interface RunOptions {
  scenario: string;
  transports: TransportName[];
  clients: number;
  /** Messages the topic publishes per second. */
  rate: number;
  /** Body size of every message, identical across transports. */
  payloadBytes: number;
  /** Length of the publishing window. */
  durationS: number;
  /** Header profile name (a file in scenarios/profiles/). */
  profile: string;
  /** Short polling: time between the end of one poll and the next request. */
  intervalMs: number;
  /** Long polling: how long the server holds a request with nothing to send. */
  longPollTimeoutMs: number;
  /** WebSocket: negotiate permessage-deflate (RFC 7692). */
  perMessageDeflate: boolean;
  /** Every transport over TLS (HTTPS, WSS) with a certificate made for the run; absent in older files means false. */
  tls?: boolean;
  /**
   * HTTP version of the HTTP transports: `h1` (HTTP/1.1, the default), `h2` (HTTP/2 over TLS, ALPN h2; implies `tls`)
   * or `h2c` (HTTP/2 in clear text with prior knowledge). Absent in older files: h1.
   */
  protocol?: HttpProtocol;
  /**
   * New connections per second across all workers; 0 means all at once; 'auto' (the default) lets the plan choose:
   * all at once up to the count this machine takes that way, a fixed rate above it (the run records what it chose).
   */
  connectRate: number | 'auto';
  /** Pin the server processes and the client workers to disjoint cores (`taskset`); recorded in `runs[].plan.cpuSplit`. */
  cpuSplit?: boolean;
  /** Loopback address the servers bind to. */
  host: string;
  /** First port to bind; 0 picks a free port per server. */
  port: number;
  /** Client worker processes; 0 means planned from the client count. */
  workers: number;
  /** How long to wait after publishing ends for late messages. */
  drainTimeoutMs: number;
  /** Where results files go. */
  outDir: string;
  /** Exact path for the results file, overriding outDir. */
  jsonFile: string | null;
  /** Measure every transport this many times, interleaved (t1 t2 … t1 t2 …), for statistical comparison. */
  repeat: number;
  /** Testing only: busy-wait this long in the server for every message it writes, so a gate can be shown to fire. */
  injectServerCostUs: number;
  /** Server processes behind the one port per transport (node:cluster); 0 or absent means planned from the limits. */
  serverProcesses?: number;
  /**
   * Seconds at the start of the window whose messages are delivered, checked for loss and counted in bytes but left
   * out of the latency percentiles (`latencyMs.overTime` still shows them); 0 or absent means none.
   */
  warmupS?: number;
  /** A fault injected during the window (scenarios/faults-*.json, harness/faults/); absent or null for none. */
  fault?: FaultSpec | null;
  /**
   * When each client's messages are due (`--pattern`): `broadcast` (absent in older files), all at the same instant,
   * one room; `staggered`, each connection at its own phase within the period 1/rate (harness/run/pattern.ts).
   */
  pattern?: PublishPattern;
  /**
   * Clients resume after a reconnect from the last sequence number they hold (default true): polling with its cursor,
   * SSE with Last-Event-ID, WebSocket and HTTP streaming with `?since=N`. False (`--no-resume`) measures a naive
   * client that starts over as a new subscriber.
   */
  resume?: boolean;
  /**
   * Liveness (0 or absent: off): SSE comment and HTTP-streaming empty-line heartbeats and WebSocket pings every this
   * many ms from the server; clients drop a connection silent for 2.5 times as long, or a poll unanswered that long
   * (long polling: after its hold time), and reconnect.
   */
  heartbeatMs?: number;
  /** What the clients talk to (absent: `embedded`, pushbench's own servers). */
  server?: ServerKind;
  /** `external`: the server's base URL (loopback unless `allowRemote`). */
  target?: string | null;
  /** `external`: where each message is POSTed (default `<target>/publish`). */
  publishUrl?: string | null;
  /** `external`: the process whose CPU and memory count as the server's. */
  serverPid?: number | null;
  /** `external`: a command that starts the server; pushbench runs it, waits for its port, stops it after. */
  serverCmd?: string | null;
  /** `external`: allow a target off loopback (a load test sends real traffic to someone's server). */
  allowRemote?: boolean;
}

/**
 * A fault injected during the publishing window, `atS` seconds after it opened. Network faults act in a user-space
 * proxy in front of the server (harness/net/delay-proxy.ts); slow consumers read slowly in the client itself.
 */
export type FaultSpec =
  /** The server process is killed (SIGKILL) and, `downS` later, started again on the same port; its feed continues. */
  | { kind: 'server-restart'; atS: number; downS: number }
  /** The proxy resets `share` of the open connections at once (TCP RST both ways); the server stays up. */
  | { kind: 'connection-drop'; atS: number; share: number }
  /** The proxy forwards nothing, and passes no close, for `forS` seconds, then carries on (a silent black hole). */
  | { kind: 'partition'; atS: number; forS: number }
  /** From `atS` on, `share` of the clients read at most `readBytesPerS` (the server may buffer what they cannot take). */
  | { kind: 'slow-consumer'; atS: number; share: number; readBytesPerS: number }
  /** The server resets every connection at once (TCP RST) and every client reconnects: how long until all are back. */
  | { kind: 'reconnect-storm'; atS: number };

export type FaultKind = FaultSpec['kind'];

/** Percentiles of one latency histogram, in milliseconds (null when it has no samples). */
export interface LatencySummaryMs {
  count: number;
  p50: number | null;
  p99: number | null;
  max: number | null;
}

/** What a fault did to one transport run (the top-level `faults` section holds one per run). */
export interface FaultTransportStats {
  transport: TransportName;
  repeat: number;
  clients: number;
  /** Seconds after the window opened at which the fault began and ended (as injected). */
  atS: number;
  endS: number;
  /** First message published after the fault ended: a client holding it is live again. Null when none was. */
  liveFromSeq: number | null;
  /** Connections cut (drop, storm), or slow clients; the server restart and partition reach every client. */
  affected: number;
  /** The run's delivery counts (same as `runs[].messages`). */
  messages: MessageCounts;
  /**
   * Clients that noticed the fault (their connection closed, failed or timed out after it began), how long after it
   * began (median and last), and by what: the error code, CLOSED for a clean close, IDLE_TIMEOUT for a heartbeat or
   * poll timeout.
   */
  detect: { clients: number; p50Ms: number | null; maxMs: number | null; by: Record<string, number> };
  /** Clients subscribed again after losing their connection, and when the last one was, after the fault began. */
  resubscribe: { clients: number; lastMs: number | null };
  /** When the last client received a message published after the fault ended (live again); null if one never did. */
  recoverMs: number | null;
  /**
   * When the last client held every message up to `liveFromSeq` (nothing missing); null when some client never did
   * (it lost messages) or the fault has no end.
   */
  completeMs: number | null;
  /**
   * Bytes through the proxy (both directions) from the fault's start until `recoverMs`, what the seconds before the
   * fault carried on average over the same time, and the excess: the cost of recovering. Absent without a proxy
   * (slow consumer, reconnect storm) or a recovery.
   */
  recoveryBytes?: { totalBytes: number; baselineBytes: number; excessBytes: number };
  /** Server process: CPU share of one core and resident memory, before the fault and at their peak after it. */
  server: {
    cpuShareBefore: number | null;
    peakCpuShare: number | null;
    rssBeforeBytes: number | null;
    peakRssBytes: number | null;
    /** Bytes waiting in the server's user-space socket write buffers (Node's writableLength), at the peak. */
    peakBufferedBytes: number | null;
  };
  /** Slow consumers only: what they cost the server and what they did to everyone else. */
  slow?: {
    clients: number;
    readBytesPerS: number;
    /** (peak − before) server resident memory / slow clients; null when within noise (not above zero). */
    serverRssBytesPerSlowClient: number | null;
    /** Peak user-space write buffer / slow clients. */
    serverBufferedBytesPerSlowClient: number | null;
    /** Healthy clients' latency for messages published before and after the fault began; slow clients' after. */
    healthyBeforeMs: LatencySummaryMs;
    healthyAfterMs: LatencySummaryMs;
    slowAfterMs: LatencySummaryMs;
  };
  /** Connection errors by kind during the run (same as `runs[].connect.errors`). */
  errors: Record<string, number>;
  /**
   * Per second since the window opened: distinct messages delivered (by receipt time, all clients), bytes through
   * the proxy, server CPU share of one core and resident memory (null where no sample fell).
   */
  timeline: {
    bucketS: number;
    deliveredPerS: number[];
    proxyBytesPerS?: number[];
    serverCpuShare: Array<number | null>;
    serverRssBytes: Array<number | null>;
  };
}

/** The top-level `faults` section of a run with a fault. */
export interface FaultResults {
  spec: FaultSpec;
  resume: boolean;
  heartbeatMs: number;
  transports: FaultTransportStats[];
}

/** Counts of what each client saw, by sequence number. */
export interface MessageCounts {
  /** clients x messages published. */
  expected: number;
  /** Distinct (client, sequence) pairs received. */
  delivered: number;
  /** expected - delivered. */
  lost: number;
  /** Receipts of a sequence number the client already had. */
  duplicated: number;
  /** Receipts of a sequence number lower than one already received. */
  reordered: number;
}

export interface DirectionBytes {
  /** Client to server. */
  c2sBytes: number;
  /** Server to client. */
  s2cBytes: number;
}

/**
 * Bytes on the wire at the HTTP/WebSocket level, counted at the server's sockets (TCP payload, no TCP/IP headers),
 * in four parts that add up to every byte: `setup` is the exchange that subscribes a client (WebSocket handshake, the
 * SSE or streaming request and response head, the first poll and its immediate answer); `preWindow` what crossed
 * after it before the measurement window (idle polls while other clients still connected); the top-level `c2sBytes`
 * and `s2cBytes` the window itself, from the first published message until the client has the last one (what every
 * per-message figure and bit rate divides); `postWindow` what came after (a poll asked once the client had
 * everything). Teardown (close frames) is not counted. Schema 1 files have no pre/post parts (their window began at set-up).
 */
export interface WireStats extends DirectionBytes {
  setup: DirectionBytes;
  /** After set-up, before the first published message (schema 2). */
  preWindow?: DirectionBytes;
  /** After the window (schema 2). */
  postWindow?: DirectionBytes;
  /**
   * Message bodies the clients received in the window, all clients added (duplicates included: they crossed the
   * wire too); not the run's `payloadBytes`, which is one body's size (schema 2; `payloadBytes` in schema 1).
   */
  receivedBodyBytes?: number;
  /** Schema 1's name for `receivedBodyBytes`. */
  payloadBytes?: number;
  perMessage: {
    /** Window client-to-server bytes per delivered message. */
    c2sOverheadBytes: number;
    /** Window server-to-client bytes minus the bodies, per delivered message. */
    s2cOverheadBytes: number;
  };
  perConnection: {
    /** Setup bytes per connection, both directions added. */
    setupBytes: number;
  };
  /** The same quantities computed from the protocol specifications for the events the clients saw. */
  model: DirectionBytes & { setup: DirectionBytes; preWindow?: DirectionBytes; postWindow?: DirectionBytes };
  /** True when every measured figure above equals its model to the byte. */
  matchesModel: boolean;
  /**
   * Where `setup`, `c2sBytes` and `s2cBytes` were counted: at the server's sockets (pushbench's own servers and the
   * Socket.IO server it hosts), or at the clients' (nchan, external servers). Absent in older files: `server`.
   */
  measuredAt?: 'server' | 'clients';
  /**
   * The same bytes counted at the simulated clients' sockets, for every server kind, split at the same events:
   * `c2sBytes` and `s2cBytes` are the window's.
   */
  atClients?: DirectionBytes & { setup: DirectionBytes; preWindow?: DirectionBytes; postWindow?: DirectionBytes };
  /**
   * Where both ends are counted: the clients' byte counts equal the server's to the byte, in both directions, in each
   * of set-up, before, inside and after the window (Socket.IO: totals only; absent where only the clients' are known).
   */
  clientsMatchServer?: boolean;
  /** Runs over TLS only: the figures above are ciphertext at the TCP socket; this is the layer inside. */
  tls?: TlsWireStats;
  /** Runs over HTTP/2 only (`--protocol h2|h2c`): the model's bytes by frame kind (RFC 9113), part by part. */
  h2?: H2WireStats;
}

/**
 * An HTTP/2 run's bytes by what carries them, from the frames the clients wrote and parsed (HTTP/2 layer: inside TLS
 * for h2). Each part's kinds add up to that part of the model (the plaintext model over TLS).
 */
export interface H2FrameKindBytes {
  /** The client connection preface (24 bytes, once per connection; set-up). */
  preface: number;
  /** 9 bytes per frame. */
  frameHeaders: number;
  /** HPACK header-block fragments of HEADERS and CONTINUATION frames (padding and priority fields excluded). */
  headerBlocks: number;
  /** DATA payload: the response bodies. */
  data: number;
  /** SETTINGS, WINDOW_UPDATE, PING, PRIORITY, RST_STREAM, GOAWAY payloads, and HEADERS/DATA padding and priority fields. */
  control: number;
  frames: number;
}

export interface H2WireStats {
  /** Per part, per direction. */
  setup: { c2s: H2FrameKindBytes; s2c: H2FrameKindBytes };
  preWindow: { c2s: H2FrameKindBytes; s2c: H2FrameKindBytes };
  window: { c2s: H2FrameKindBytes; s2c: H2FrameKindBytes };
  postWindow: { c2s: H2FrameKindBytes; s2c: H2FrameKindBytes };
  /** Requests (HEADERS frames the clients sent) in each part; set-up's are each connection's first. */
  requests: { setup: number; preWindow: number; window: number; postWindow: number };
  /**
   * HPACK header-block bytes per request: `first`, the first request on each connection and its response (empty
   * dynamic tables; set-up); `window`, the requests inside the measurement window and their responses (null without
   * one: push transports send one request per connection).
   */
  headerBlockBytesPerRequest: { first: DirectionBytes; window: DirectionBytes | null };
  /** WINDOW_UPDATE frames the clients sent (policy: harness/protocol/h2/client.ts). */
  windowUpdatesSent: number;
}

/**
 * Both layers of a TLS run. The plaintext (HTTP/WebSocket bytes inside TLS) is counted at the server's TLS sockets
 * and modelled exactly as without TLS. The ciphertext in steady state is modelled from RFC 8446 §5.2: plaintext plus
 * 22 bytes (5-byte header, 1 content-type byte, 16-byte AEAD tag) per record, one record per write of up to 16,384
 * bytes. The handshake is not modelled (certificate, signature and ticket sizes vary): `model.setup` of a TLS run is
 * what each client's own socket had counted when its subscription completed, held against the server's count.
 */
export type TlsLayerBytes = DirectionBytes & { setup: DirectionBytes; preWindow: DirectionBytes; postWindow: DirectionBytes };

export interface TlsWireStats {
  /** Negotiated protocol and cipher suite, e.g. `TLSv1.3`, `TLS_AES_256_GCM_SHA384`. */
  version: string;
  cipher: string;
  /** Bytes every application-data record adds to its plaintext (22 for TLS 1.3 with a 16-byte AEAD tag). */
  recordOverheadBytes: number;
  /** Measured inside TLS at the server, split as the ciphertext figures (the top level is the window). */
  plaintext: TlsLayerBytes;
  /** The HTTP/WebSocket model of the plaintext (what `model` holds in a run without TLS). */
  plaintextModel: TlsLayerBytes;
  /** Application-data records the model counts, one per write (`c2sBytes` and `s2cBytes` here count records). */
  records: TlsLayerBytes;
  /** Set-up ciphertext minus set-up plaintext and the set-up records' 22 bytes each: the handshake and session tickets. */
  handshake: DirectionBytes;
  /** Steady-state ciphertext minus plaintext, per delivered message: what TLS adds to each message. */
  perMessage: { c2sBytes: number; s2cBytes: number };
}

export interface LatencyStats {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
  /** Number of latency samples. */
  count: number;
  /** HdrHistogram, compressed and base64-encoded; values in microseconds. Merge, never average. */
  histogram: string;
  /** Latency by publish time within the window (absent in files from before it was recorded). */
  overTime?: LatencyOverTime;
}

/** Latency buckets as processes keep them (microseconds), before they become a `LatencyOverTime`. */
export interface TimelineCounts {
  count: number[];
  sumUs: number[];
  maxUs: number[];
}

/**
 * Deliveries by when their message was published: bucket i holds messages published in [i, i + 1) × bucketS
 * seconds after the window's start (1 s buckets, wider for runs over 600 s). Empty buckets have null figures.
 */
export interface LatencyOverTime {
  bucketS: number;
  count: number[];
  meanMs: Array<number | null>;
  maxMs: Array<number | null>;
}

export interface LoopDelayStats {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The sampling timer's period, ms (absent in files written before 2026-12-02, which sampled every 10 ms). */
  resolutionMs?: number;
}

/**
 * How late the publisher wrote each message after the time it was due (the body carries the due time, so lateness is
 * part of every latency): over all messages of the window; with several server processes, the worst process's
 * figure for each field. Staggered, one figure per message and slot, each from that slot's due time.
 */
export interface PublishLateness {
  /** Figures summarised: messages × slots (harness/run/pattern.ts; 1 slot for a broadcast). */
  messages: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface ProcessCost {
  /** Processes of this role. */
  processes: number;
  /** User + system CPU during the measured window, all processes added. */
  cpuSeconds: number;
  /**
   * `cpuSeconds` split into user and kernel time (getrusage: the total is exact, the split is the kernel's sampled
   * accounting), absent in older files and for servers read from /proc.
   */
  userSeconds?: number;
  systemSeconds?: number;
  /** Times the processes went to sleep and were woken in the window (voluntary context switches, getrusage). */
  voluntaryContextSwitches?: number;
  /** Largest resident set of any one process of this role. */
  maxRssBytes: number;
  /** Sum of the resident sets at the end of the window. */
  rssBytes: number;
  eventLoopDelay: LoopDelayStats;
}

export interface ServerStats extends ProcessCost {
  /** host:port as the clients reached it. */
  address: string;
  /** Which server ran (absent in older files: `embedded`); CPU and memory are its processes', found by PID. */
  kind?: ServerKind;
  /** cpuSeconds / delivered messages. */
  cpuSecondsPerMessage: number;
  /** Connections open at the end of the window. */
  connections: number;
  /** Each server process's own figures (a cluster primary has no sockets); the fields above are their sums. */
  perProcess?: ServerProcessPart[];
  /** Errors accepting connections (EMFILE, ENFILE) in the server processes, by code. */
  acceptErrors?: Record<string, number>;
  /** How late each message was published after it was due (absent in files before it was recorded). */
  publishLateMs?: PublishLateness;
}

/** One server process's share of a run (docs/scale.md). */
export interface ServerProcessPart {
  pid: number;
  role: 'primary' | 'worker' | 'single';
  cpuSeconds: number;
  rssBytes: number;
  maxRssBytes: number;
  connections: number;
  setup: DirectionBytes;
  /** This process's share of the window split (schema 2); the run's `wire` parts are their sums. */
  preWindow?: DirectionBytes;
  window?: DirectionBytes;
  postWindow?: DirectionBytes;
  /** All bytes, setup included, at this process's sockets. */
  total: DirectionBytes;
  eventLoopDelay?: LoopDelayStats;
}

/** One client worker's share of a run (docs/scale.md). */
export interface ClientProcessPart {
  pid: number;
  subscribed: number;
  delivered: number;
  cpuSeconds: number;
  rssBytes: number;
  /** This worker's latency HdrHistogram (microseconds, compressed base64); `latencyMs.histogram` is their merge. */
  histogram: string;
}

/**
 * Resident memory before any client connected and once every client was subscribed, each the median of several
 * readings after a full garbage collection, all processes of the role added; per connection = (connected - idle) /
 * connections, or null (with the reason) when the difference is within the noise: `noiseBytes` is the larger of the
 * spread of the idle readings and of the connected readings, and a difference counts only above
 * max(3 x noise, 1 MiB). Never negative. Schema 1 files have single readings and no noise (readers null a negative one).
 */
export interface MemoryStats {
  serverIdleRssBytes: number;
  serverConnectedRssBytes: number;
  serverBytesPerConnection: number | null;
  serverNoiseBytes?: number;
  /** Why `serverBytesPerConnection` is null. */
  serverReason?: string;
  clientIdleRssBytes: number;
  clientConnectedRssBytes: number;
  clientBytesPerConnection: number | null;
  clientNoiseBytes?: number;
  clientReason?: string;
  /**
   * Least-squares slope of the server's resident memory against open connections over readings at each quarter of
   * the connect ramp plus idle and connected: bytes per added connection (absent when the ramp was too short for a
   * reading between idle and connected).
   */
  serverSlopeBytesPerConnection?: number;
}

/**
 * Whether latency stayed level across the measured window (after any warm-up): a run whose per-second mean latency
 * trends upward has a growing backlog and never reached a steady state, so its percentiles describe the window's
 * length, not the load. See harness/measure/steady.ts for the test.
 */
export interface SteadyState {
  /** `unjudged`: too few measured seconds to tell. */
  state: 'sustained' | 'overloaded' | 'unjudged';
  reason: string;
  /** Measured seconds (per-second buckets with deliveries) the judgement used. */
  seconds: number;
  /** Theil-Sen slope of the per-second mean latency, ms per second. */
  slopeMsPerS: number;
  /** slope x the span of the buckets: how much the mean rose across the window. */
  riseMs: number;
  /** The rise allowed: max(50 ms, 20% of the median per-second mean). */
  toleranceMs: number;
  firstThirdMeanMs: number;
  lastThirdMeanMs: number;
}

/** The whole machine during the window, second by second (Linux /proc). */
export interface MachineStats {
  /** Share of all CPU time a hypervisor gave to others during the window (steal / total). */
  stealShare: number;
  /** Steal against the time the machine was busy or stolen: steal / (busy + steal). */
  stealOfBusyShare?: number;
  cores?: number;
  /** Per second of the window: share of all cores busy (user, system, irq, and steal) and cores used by each side. */
  perSecond?: { busyShare: number[]; serverCores: number[]; clientCores: number[] };
  /** True when the cores were at least 90% busy in more than half of the window's seconds. */
  saturated?: boolean;
  saturationReason?: string | null;
  /** Average cores used over the window: by the server processes, the client workers, everything else. */
  serverCores?: number;
  clientCores?: number;
  otherCores?: number;
}

/** The process layout a transport run used, as planned from the machine's limits (docs/scale.md). */
export interface RunPlan {
  serverProcesses: number;
  clientWorkers: number;
  /** Loopback source addresses the clients connected from ([] = the default one). */
  localAddresses: string[];
  /** Descriptors planned for the busiest server process and client worker, and the per-process limit. */
  serverFds: number;
  workerFds: number;
  openFilesLimit: number;
  /** New connections per second the run used (0: all at once) and whether the plan chose it (`--connect-rate auto`). */
  connectRatePerS?: number;
  connectRateAuto?: boolean;
  /** `--cpu-split`: the cores the server processes and the client workers were pinned to. */
  cpuSplit?: { server: number[]; clients: number[] };
}

export interface ClientStats extends ProcessCost {
  /** True when a worker was busier than the harness can trust (see `saturationReason`). */
  saturated: boolean;
  saturationReason: string | null;
  /** Each client worker's own figures; the fields above are their sums (and merged histogram). */
  perProcess?: ClientProcessPart[];
  /**
   * The Node flags the client workers ran with (`process.execArgv`, as each reported it; every worker gets the same):
   * `--no-memory-reducer` and any PUSHBENCH_CHILD_NODE_ARGS. Absent in older files.
   */
  nodeArgs?: string[];
}

export interface ConnectStats {
  /** Clients that completed setup. */
  connected: number;
  /** From the first connect attempt until every client was subscribed. */
  durationMs: number;
  /** Connection errors during setup and run, by error code (ECONNRESET, ETIMEDOUT, HTTP_503, ...). */
  errors: Record<string, number>;
  /** connected / (durationMs / 1000): the ramp the machine actually achieved. */
  rampPerS?: number;
}

export interface ThroughputStats {
  /** Delivered messages per second of window. */
  messagesPerS: number;
  c2sBitsPerS: number;
  s2cBitsPerS: number;
}

/** Options that shape one transport's behaviour, recorded with its run. */
export interface TransportOptions {
  intervalMs: number;
  longPollTimeoutMs: number;
  perMessageDeflate: boolean;
  /** Heartbeats and client liveness timeouts (RunOptions.heartbeatMs); absent: off. */
  heartbeatMs?: number;
  /** False: clients do not resume after a reconnect (RunOptions.resume); absent: they do. */
  resume?: boolean;
  /** Over TLS (absent in older files: clear text). */
  tls?: boolean;
  /** `h2` or `h2c` for a run over HTTP/2; absent: HTTP/1.1 (every older file). */
  protocol?: 'h2' | 'h2c';
}

export const HTTP_PROTOCOLS = ['h1', 'h2', 'h2c'] as const;
export type HttpProtocol = (typeof HTTP_PROTOCOLS)[number];

/**
 * When a message is due for each client: `broadcast`, every client at the same instant (one room); `staggered`, each
 * connection at its own phase within the period 1/rate, as per-user feeds are (harness/run/pattern.ts).
 */
export type PublishPattern = 'broadcast' | 'staggered';
export const PUBLISH_PATTERNS: readonly PublishPattern[] = ['broadcast', 'staggered'];

/** A run's pattern: files from before `--pattern` existed were all broadcasts. */
export function patternOf(run: { pattern?: PublishPattern }): PublishPattern {
  return run.pattern ?? 'broadcast';
}

interface TransportRunBase {
  transport: TransportName;
  /** 0-based index of this measurement when the run was repeated (`--repeat`). */
  repeat: number;
  clients: number;
  rate: number;
  payloadBytes: number;
  durationS: number;
  profile: string;
  transportOptions: TransportOptions;
  /** When each client's messages were due; absent in files from before `--pattern`: broadcast. */
  pattern?: PublishPattern;
}

/** One transport's measured run. */
export interface CompletedTransportRun extends TransportRunBase {
  state: 'completed';
  /** Messages the server published in the window. */
  published: number;
  /** Publishing window: published / rate seconds, or longer when the drain (all clients done) ran past it. */
  windowS: number;
  connect: ConnectStats;
  messages: MessageCounts;
  wire: WireStats;
  throughput: ThroughputStats;
  latencyMs: LatencyStats;
  server: ServerStats;
  clientWorkers: ClientStats;
  /** Memory per connection, idle vs connected (absent when a worker never had all its clients subscribed). */
  memory?: MemoryStats;
  plan?: RunPlan;
  /** CPU per message held against the machine's floor (`pushbench floor`): see results/floor.ts. */
  cpuFloor?: CpuFloorRatio;
  /**
   * A TLS run measured beside its clear-text twin (`pushbench modern`): CPU microseconds per delivered message over
   * TLS minus in clear text, same transport and repeat, for the server and for the client workers.
   */
  tlsCost?: { clearFile: string; serverCpuUsPerMessage: number; clientCpuUsPerMessage: number };
  /**
   * The machine during the window: `stealShare` is the share of all its CPU time a hypervisor gave to others
   * (from /proc/stat; absent where unknown). A run that lost CPU this way is slower for reasons outside it.
   */
  machine?: MachineStats;
  /** Did latency stay level across the window (schema 2)? An overloaded run's percentiles are no capacity. */
  steady?: SteadyState;
}

/** A transport run that could not be completed; the rest of the run goes on. */
export interface ErroredTransportRun extends TransportRunBase {
  state: 'errored';
  error: string;
}

export type TransportRun = CompletedTransportRun | ErroredTransportRun;

export interface Environment {
  node: string;
  os: string;
  arch: string;
  cpuModel: string;
  cpuCount: number;
  totalMemoryBytes: number;
  /** Open-files limit of the harness process. */
  openFilesLimit: number | null;
  /** Git commit checked out in the directory the run was started in, read when it started; null outside git. */
  commit: string | null;
  /** Whether tracked files differed from `commit` when the run started (untracked files do not count); null outside git. Absent in older files. */
  dirty?: boolean | null;
  /** The command line the run was started with (`pushbench run quick --clients 10`). Absent in older files. */
  command?: string;
  pushbenchVersion: string;
}

/** One results file: everything a report or a comparison needs, and nothing that ties it to this process. */
export interface ResultsFile {
  /** What the file is: always written (`results`), absent in files from before the file kinds were unified. */
  kind?: 'results';
  /** 2 when written by this pushbench; 1 in older files, which are still read. */
  schemaVersion: 1 | 2;
  tool: 'pushbench';
  scenario: string;
  startedAt: string;
  finishedAt: string;
  environment: Environment;
  options: RunOptions;
  runs: TransportRun[];
  /** `pushbench capacity`: the largest client count each transport sustained (docs/scale.md). */
  capacity?: CapacityResults;
  /** The load generator's own efficiency against autocannon (docs/scale.md). */
  efficiency?: EfficiencyResults;
  /** Why the efficiency measurement failed (a load generator died), when it did; the capacity search still ran. */
  efficiencyError?: string;
  /** Runs with a fault (`options.fault`): what it did to each transport run. */
  faults?: FaultResults;
}

/** One measured client count (or, `by` rate, one per-client rate) of a capacity search. */
export interface CapacityStep {
  clients: number;
  /** Messages per second per client of this probe (`by` rate only). */
  rate?: number;
  p99Ms: number;
  lost: number;
  /** Clients that never subscribed. */
  unconnected: number;
  ok: boolean;
  /** Why the step failed (or what was closest to its limit when it passed). */
  limitedBy: string | null;
}

export interface TransportCapacity {
  transport: TransportName;
  /** Largest client count that passed (0 when even the first step failed). */
  maxClients: number;
  /** The smallest count that failed, when one did; the true capacity lies between the two. */
  firstFailedClients: number | null;
  /**
   * `by` rate: the largest per-client rate that passed at the section's client count (0 when none did), and the
   * smallest that failed above it (null when `maxRate` of the section passed). There `maxClients` is that count
   * when some rate passed (else 0) and `firstFailedClients` null (else the count).
   */
  maxRate?: number;
  firstFailedRate?: number | null;
  /** What ran out at the first failed count, e.g. "server CPU (2 processes at 97% of a core)", or "not reached". */
  limitedBy: string;
  /**
   * Least-squares slope of the server's connected resident memory against connections over every count probed:
   * bytes per added connection (absent with fewer than two counts).
   */
  serverBytesPerConnectionSlope?: number;
  steps: CapacityStep[];
}

export interface CapacityResults {
  /**
   * What the search ran over: the client count at `options.rate` (absent in files from before `--by`), or the
   * per-client message rate with every probe holding `maxClients` (= `startClients`) clients.
   */
  by?: 'clients' | 'rate';
  /** `by` rate: the first, largest and smallest rate the search would probe (msg/s per client). */
  startRate?: number;
  maxRate?: number;
  minRate?: number;
  /** Pass criteria: p99 latency at most this, nothing lost, every client connected. */
  p99Ms: number;
  maxClients: number;
  startClients: number;
  /** Bisection stops when (firstFailed - maxClients) / maxClients is at most this. */
  precision: number;
  /** A failing count was probed again up to this many times and passed if any probe did (absent: 0). */
  retries?: number;
  /** Seconds each probe held its clients after `warmupS`: latency must stay level across them (default 60). */
  durationS: number;
  warmupS?: number;
  intervalMs: number;
  transports: TransportCapacity[];
}

/** One generator's run in an efficiency pair: what it completed and the CPU it took, construction and teardown included. */
export interface GeneratorFigures {
  /** Completed units: responses received (polling) or messages received (WebSocket). */
  requests: number;
  cpuSeconds: number;
  /** requests / cpuSeconds. */
  requestsPerCpuS: number;
}

/** Both generators once, one after the other, in the order given. */
export interface GeneratorPair {
  order: 'pushbench-first' | 'other-first';
  pushbench: GeneratorFigures;
  other: GeneratorFigures;
  /** pushbench.requestsPerCpuS / other.requestsPerCpuS. */
  ratio: number;
}

/** pushbench's WebSocket client against another WebSocket client on the same server and broadcast. */
export interface WebSocketEfficiency {
  /** The other generator, e.g. "ws 8.x (one WebSocket object per connection)". */
  other: string;
  connections: number;
  /** Messages broadcast to every connection in each run. */
  messages: number;
  pairs: GeneratorPair[];
  /** Median of the pairs' ratios; low and high are the smallest and largest pair's. */
  ratio: number;
  ratioLow: number;
  ratioHigh: number;
}

/**
 * Requests per second per CPU second of the generator, against the same short-polling server and request head:
 * completed responses counted for both, the CPU of each generator's whole process life (construction and teardown
 * included for both), pairs in alternating order. `pushbench`, `autocannon` are the median pair's figures.
 */
export interface EfficiencyResults {
  connections: number;
  durationS: number;
  requestHeadBytes: number;
  pushbench: { requests: number; cpuSeconds: number; requestsPerCpuS: number };
  autocannon: { requests: number; cpuSeconds: number; requestsPerCpuS: number };
  /** pushbench.requestsPerCpuS / autocannon.requestsPerCpuS (the median over pairs when `pairs` is present). */
  ratio: number;
  /** What both sides counted (absent in files before pairs were measured: then requests sent by pushbench). */
  counted?: 'completed responses';
  pairs?: GeneratorPair[];
  ratioLow?: number;
  ratioHigh?: number;
  websocket?: WebSocketEfficiency;
}

/** A snapshot the harness emits about once a second during a run (progress bar, live dashboard). */
export interface LiveSample {
  /** Milliseconds since the run started. */
  tMs: number;
  transport: TransportName;
  phase: 'starting' | 'connecting' | 'publishing' | 'draining' | 'closing' | 'done';
  clients: number;
  connected: number;
  published: number;
  /** Messages received by all clients per second, over the last sample interval. */
  messagesPerS: number;
  /** Bytes received by all clients per second, over the last sample interval. */
  bytesPerS: number;
  /** Percentiles of every message since publishing began (the worst client worker's), not of the last second. */
  latencyMs: { p50: number; p99: number } | null;
  processes: Array<{ role: 'server' | 'client'; pid: number; cpuPercent: number; rssBytes: number }>;
}

/** The bodies the clients received in the window, under either schema's name. */
export function receivedBodyBytes(wire: WireStats): number {
  return wire.receivedBodyBytes ?? wire.payloadBytes ?? 0;
}

/** A run's CPU per message beside the floor of a bare sender (for the server) and receiver (for the clients). */
export interface CpuFloorRatio {
  /** The floor results file it was held against. */
  file: string;
  floorStartedAt: string;
  serverFloorUsPerMessage: number;
  serverFloorConnections: number;
  clientFloorUsPerMessage: number;
  clientFloorConnections: number;
  /**
   * A run of several server processes or client workers is held against a floor point of as many senders and
   * receivers (connections in all), when the floor file has one: the processes sharing two cores cost something too.
   */
  serverFloorProcesses?: number;
  clientFloorProcesses?: number;
  /**
   * The same floor points split into user and kernel time, microseconds per message, beside the runs' own split
   * (`server.userSeconds`, `clientWorkers.systemSeconds`...): which of the two a distance from the floor is in.
   */
  serverFloorUserUs?: number;
  serverFloorSystemUs?: number;
  clientFloorUserUs?: number;
  clientFloorSystemUs?: number;
  /** Server CPU per message / the floor sender's; null when either is missing. */
  serverRatio: number | null;
  clientRatio: number | null;
}
