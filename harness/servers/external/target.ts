/**
 * `--target` and `--publish-url` of `--server external`: parsed, and refused off loopback unless `--allow-remote`.
 * A load test sends real traffic; pointed at someone else's server by a typo it is an attack.
 */
import net from 'node:net';
import { UsageError } from '../../errors.js';

export interface Target {
  /** Literal address the clients dial ('localhost' becomes 127.0.0.1, never looked up). */
  host: string;
  port: number;
  /** The URL as given, without a trailing slash. */
  base: string;
}

/** True for 127.0.0.0/8 and ::1, written as literal addresses. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  if (net.isIPv4(h)) return h.startsWith('127.');
  if (net.isIPv6(h)) return h === '::1' || /^0*:0*:0*:0*:0*:0*:0*:0*1$/.test(h) || /^::ffff:127\./i.test(h);
  return false;
}

/** Parses a URL option; throws one-line UsageErrors (exit 2) for a bad URL or, without `allowRemote`, a remote host. */
export function parseTarget(flag: string, raw: string, allowRemote: boolean): Target {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`${flag} must be a URL such as http://127.0.0.1:8080, got "${raw}"`);
  }
  if (url.protocol !== 'http:') throw new UsageError(`${flag} must be an http:// URL (pushbench speaks HTTP/1.1 and ws:// on plain TCP), got "${raw}"`);
  let host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost') host = '127.0.0.1';
  if (!allowRemote && !isLoopback(host)) {
    throw new UsageError(
      `refusing ${flag} ${raw}: it is not on this machine (127.0.0.0/8 or ::1), and a load test sends real traffic to someone's server; add --allow-remote if the server is yours to load`,
    );
  }
  const port = url.port ? Number(url.port) : 80;
  return { host, port, base: raw.replace(/\/+$/, '') };
}
