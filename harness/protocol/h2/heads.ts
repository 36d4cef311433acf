/**
 * A header profile's HTTP/1.1 heads as HTTP/2 carries them (RFC 9113 §8.2.2, §8.3): names lower-cased; the
 * connection-specific fields dropped (Connection, Keep-Alive, Proxy-Connection, Transfer-Encoding, Upgrade — an
 * HTTP/2 message with any of them is malformed); Host becomes `:authority`; the request line becomes `:method`,
 * `:scheme`, `:path`, the status line `:status`. Everything else, in order, as the profile has it.
 */
import type { HeaderList } from '../framing.js';
import type { ExchangeKind, HeaderProfile } from '../profiles.js';

/** Fields HTTP/2 forbids (§8.2.2); TE is allowed only as "trailers", which no profile sends. */
export const H2_DROPPED_HEADERS: readonly string[] = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te'];

/** Request pseudo-headers first (§8.3.1), then the profile's fields without Host and the connection-specific ones. */
export function h2RequestHeaders(headers: HeaderList, path: string, scheme: 'https' | 'http'): Array<[string, string]> {
  const host = headers.find(([n]) => n.toLowerCase() === 'host')?.[1] ?? '';
  const rest = headers
    .map(([n, v]) => [n.toLowerCase(), v] as [string, string])
    .filter(([n]) => n !== 'host' && !H2_DROPPED_HEADERS.includes(n));
  return [[':method', 'GET'], [':authority', host], [':scheme', scheme], [':path', path], ...rest];
}

/** `:status` first, then the profile's response fields without the connection-specific ones. */
export function h2ResponseHeaders(status: number, headers: HeaderList): Array<[string, string]> {
  return [[':status', String(status)], ...headers.map(([n, v]) => [n.toLowerCase(), v] as [string, string]).filter(([n]) => !H2_DROPPED_HEADERS.includes(n))];
}

/**
 * A profile's request for `kind` as HTTP/2 carries it: the header list the browser itself sent over HTTP/2 when the
 * profile has one (`h2.requests`, captured by `pushbench capture-headers`), with `:path` and `:scheme` set to this
 * request's; otherwise the HTTP/1.1 head mapped by h2RequestHeaders. Placeholders such as `{host}` are left for
 * fillHeaders, in both cases.
 */
export function profileH2RequestHeaders(profile: HeaderProfile, kind: ExchangeKind, path: string, scheme: 'https' | 'http'): Array<[string, string]> {
  const captured = profile.h2?.requests[kind];
  if (!captured) return h2RequestHeaders(profile.requests[kind], path, scheme);
  return captured.map(([n, v]): [string, string] => [n, n === ':path' ? path : n === ':scheme' ? scheme : v]);
}
