/**
 * The kernel's own per-socket TCP counters, read with iproute2's `ss -tin`, so the TCP/IP cost under every
 * message (segments, ACK-only segments, their header bytes) is measured instead of guessed.
 *
 * `ss` prints one address line per socket (`[State] Recv-Q Send-Q Local:Port Peer:Port [Process]`; the State
 * column is dropped when a state filter is given) followed by one indented line of `key:value` tcp_info fields.
 * A counter the kernel has not yet incremented (bytes_acked, bytes_received, ...) is left out, so absent means 0.
 */
import { execFile } from 'node:child_process';
import { EnvironmentError } from '../errors.js';
import { TCP_IP_HEADER_BYTES_PER_SEGMENT } from '../protocol/framing.js';

/** The tcp_info counters pushbench reads, of one socket or added over many. */
export interface TcpCounters {
  /** Segments sent, ACK-only and retransmitted ones included. */
  segsOut: number;
  segsIn: number;
  /** Segments that carried payload. */
  dataSegsOut: number;
  dataSegsIn: number;
  /** TCP payload bytes sent (retransmissions included). */
  bytesSent: number;
  /** TCP payload bytes the peer acknowledged (+1 for the SYN, as the kernel counts). */
  bytesAcked: number;
  bytesReceived: number;
  bytesRetrans: number;
}

/** Counters of one TCP socket, as the kernel keeps them (tcp_info). */
export interface TcpSocketStats extends TcpCounters {
  /** ESTAB, TIME-WAIT, ...; null when `ss` was given a state filter and left the column out. */
  state: string | null;
  localAddress: string;
  localPort: number;
  peerAddress: string;
  peerPort: number;
}

/** The counters of many sockets added up. */
export interface TcpTotals extends TcpCounters {
  sockets: number;
}

const COUNTERS: ReadonlyArray<readonly [string, keyof TcpTotals]> = [
  ['segs_out', 'segsOut'],
  ['segs_in', 'segsIn'],
  ['data_segs_out', 'dataSegsOut'],
  ['data_segs_in', 'dataSegsIn'],
  ['bytes_sent', 'bytesSent'],
  ['bytes_acked', 'bytesAcked'],
  ['bytes_received', 'bytesReceived'],
  ['bytes_retrans', 'bytesRetrans'],
];

const ADDRESS = /^(.*):(\d+)$/;

function splitAddress(token: string): { address: string; port: number } | null {
  const m = ADDRESS.exec(token);
  if (!m) return null;
  // ss writes IPv6 as [::1]:port and may add a %interface scope; keep the address as printed, minus brackets.
  return { address: m[1]!.replace(/^\[(.*)\]$/, '$1'), port: Number(m[2]) };
}

/** Parses the text of `ss -tin` (with or without -H, with or without a state filter). Lines it cannot read are skipped. */
export function parseSsTcpInfo(text: string): TcpSocketStats[] {
  const sockets: TcpSocketStats[] = [];
  let current: TcpSocketStats | null = null;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (/^\s/.test(line)) {
      if (!current) continue;
      for (const field of line.trim().split(/\s+/)) {
        const colon = field.indexOf(':');
        if (colon < 0) continue;
        const name = field.slice(0, colon);
        const counter = COUNTERS.find(([key]) => key === name);
        if (counter) {
          const value = Number(field.slice(colon + 1));
          if (Number.isFinite(value)) (current as unknown as Record<string, number>)[counter[1]] = value;
        }
      }
      continue;
    }
    const tokens = line.trim().split(/\s+/);
    if (tokens[0] === 'State' || tokens[0] === 'Recv-Q') {
      current = null;
      continue;
    }
    const state = /^\d+$/.test(tokens[0]!) ? null : tokens[0]!;
    const rest = state === null ? tokens : tokens.slice(1);
    // rest = Recv-Q Send-Q Local Peer [Process...]
    const local = rest[2] !== undefined ? splitAddress(rest[2]) : null;
    const peer = rest[3] !== undefined ? splitAddress(rest[3]) : null;
    if (!local || !peer) {
      current = null;
      continue;
    }
    current = {
      state,
      localAddress: local.address,
      localPort: local.port,
      peerAddress: peer.address,
      peerPort: peer.port,
      segsOut: 0,
      segsIn: 0,
      dataSegsOut: 0,
      dataSegsIn: 0,
      bytesSent: 0,
      bytesAcked: 0,
      bytesReceived: 0,
      bytesRetrans: 0,
    };
    sockets.push(current);
  }
  return sockets;
}

/** Adds the counters of every socket. */
export function sumTcpStats(sockets: readonly TcpSocketStats[]): TcpTotals {
  const totals: TcpTotals = { sockets: sockets.length, segsOut: 0, segsIn: 0, dataSegsOut: 0, dataSegsIn: 0, bytesSent: 0, bytesAcked: 0, bytesReceived: 0, bytesRetrans: 0 };
  for (const s of sockets) for (const [, key] of COUNTERS) totals[key] += s[key as keyof TcpSocketStats] as number;
  return totals;
}

/** `after - before`, counter by counter (socket count is `after`'s): the traffic of a window on long-lived sockets. */
export function diffTcpTotals(after: TcpTotals, before: TcpTotals): TcpTotals {
  const d = { ...after };
  for (const [, key] of COUNTERS) d[key] = after[key] - before[key];
  return d;
}

/**
 * Counter differences of the sockets present in both readings, matched by their four-tuple: sockets that closed or
 * opened in between (a run tearing down while `ss` reads) would otherwise turn sums into nonsense, even negative.
 */
export function diffBySocket(before: readonly TcpSocketStats[], after: readonly TcpSocketStats[]): TcpTotals {
  const key = (s: TcpSocketStats): string => `${s.localAddress}:${s.localPort}>${s.peerAddress}:${s.peerPort}`;
  const earlier = new Map(before.map((s) => [key(s), s]));
  const a: TcpSocketStats[] = [];
  const b: TcpSocketStats[] = [];
  for (const s of after) {
    const e = earlier.get(key(s));
    // A counter that went down means the four-tuple was reused by a new connection: not the same socket.
    if (e && s.segsOut >= e.segsOut && s.segsIn >= e.segsIn) {
      a.push(s);
      b.push(e);
    }
  }
  return diffTcpTotals(sumTcpStats(a), sumTcpStats(b));
}

/**
 * TCP/IP header bytes under the segments counted from one end (every segment, ACK-only included, crosses the wire
 * once): (segsOut + segsIn) x 52 B on Linux loopback (IPv4 20 + TCP 20 + timestamps 12).
 */
export function tcpIpHeaderBytes(totals: Pick<TcpTotals, 'segsOut' | 'segsIn'>): number {
  return (totals.segsOut + totals.segsIn) * TCP_IP_HEADER_BYTES_PER_SEGMENT;
}

/** Segments that carried no payload (pure ACKs, plus SYN/FIN), both directions, seen from one end. */
export function ackOnlySegments(totals: TcpTotals): number {
  return totals.segsOut - totals.dataSegsOut + (totals.segsIn - totals.dataSegsIn);
}

/**
 * Established TCP sockets whose local port is one of `localPorts` (the server side of a loopback run), read from
 * the kernel with `ss -tinH`. Throws EnvironmentError when `ss` is missing.
 */
export async function readTcpStats(localPorts: readonly number[]): Promise<TcpSocketStats[]> {
  if (localPorts.length === 0) return [];
  for (const p of localPorts) if (!Number.isInteger(p) || p < 1 || p > 65535) throw new RangeError(`not a TCP port: ${p}`);
  const filter = ['(', localPorts.map((p) => `sport = :${p}`).join(' or '), ')'].join(' ');
  const text = await new Promise<string>((resolve, reject) => {
    // Thousands of sockets print about 500 B each; the default 1 MiB buffer would cut a large run short.
    execFile('ss', ['-tinH', 'state', 'established', filter], { maxBuffer: 512 * 1024 * 1024 }, (err, stdout) => {
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        reject(code === 'ENOENT' ? new EnvironmentError('`ss` not found: install iproute2 (Debian: apt-get install -y iproute2)') : err);
      } else resolve(stdout);
    });
  });
  return parseSsTcpInfo(text);
}
