/**
 * Header profiles: the exact request heads the simulated clients send and the response heads the servers send,
 * kept as data in scenarios/profiles/NAME.json so that header bytes are known and reproducible.
 *
 * Values may hold placeholders filled per request: {host} (host:port as dialled), {key} (Sec-WebSocket-Key),
 * {length} (Content-Length), {date} (an IMF-fixdate, always 29 characters).
 */
import path from 'node:path';
import { listJsonNames, readJsonFile } from '../data-files.js';
import { UsageError } from '../errors.js';
import type { HeaderList } from './framing.js';
import { profilesDir } from '../paths.js';

/** Which kind of request a head belongs to. Short and long polling share `poll`. */
export type ExchangeKind = 'poll' | 'sse' | 'stream' | 'websocket';
export const EXCHANGE_KINDS: readonly ExchangeKind[] = ['poll', 'sse', 'stream', 'websocket'];

export interface HeaderProfile {
  name: string;
  description: string;
  /** Where the profile came from (for captured ones: browser and version). */
  source?: Record<string, string>;
  /** Request path per kind; a poll adds `?since=N` after the subscribe request. */
  paths: Record<ExchangeKind, string>;
  requests: Record<ExchangeKind, HeaderList>;
  /** For websocket: headers after the three the `ws` server always writes (Upgrade, Connection, Accept). */
  responses: Record<ExchangeKind, HeaderList>;
  /**
   * Optional: request header lists as the browser sent them over HTTP/2, in wire order, pseudo-header fields first
   * (`:path` as captured; `{host}` in `:authority` and wherever host:port appeared). Kinds without one fall back to
   * the HTTP/1.1 head mapped by RFC 9113 (harness/protocol/h2/heads.ts).
   */
  h2?: { requests: Partial<Record<ExchangeKind, HeaderList>> };
}

/** An HTTP/2 header list: lower-case field names or pseudo-header names (RFC 9113 §8.2.1, §8.3). */
function h2HeaderList(value: unknown, where: string): HeaderList {
  if (!Array.isArray(value)) throw new UsageError(`${where} must be an array of [name, value] pairs`);
  return value.map((pair, i) => {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
      throw new UsageError(`${where}[${i}] must be a [name, value] pair of strings`);
    }
    if (!/^:?[!#$%&'*+.^_`|~0-9a-z-]+$/.test(pair[0])) throw new UsageError(`${where}[${i}]: "${pair[0]}" is not a lower-case HTTP/2 field name`);
    if (/[\r\n\0]/.test(pair[1])) throw new UsageError(`${where}[${i}]: the value of ${pair[0]} contains a line break or NUL`);
    return [pair[0], pair[1]] as const;
  });
}

const DEFAULT_PATHS: Record<ExchangeKind, string> = { poll: '/poll', sse: '/sse', stream: '/stream', websocket: '/ws' };

export function listProfiles(dir = profilesDir): string[] {
  return listJsonNames(dir);
}

function headerList(value: unknown, where: string): HeaderList {
  if (!Array.isArray(value)) throw new UsageError(`${where} must be an array of [name, value] pairs`);
  return value.map((pair, i) => {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
      throw new UsageError(`${where}[${i}] must be a [name, value] pair of strings`);
    }
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(pair[0])) throw new UsageError(`${where}[${i}]: "${pair[0]}" is not a valid header name`);
    if (/[\r\n]/.test(pair[1])) throw new UsageError(`${where}[${i}]: the value of ${pair[0]} contains a line break`);
    return [pair[0], pair[1]] as const;
  });
}

/** Checks a parsed profile object; throws a UsageError naming the first thing wrong. */
export function parseProfile(raw: unknown, where: string): HeaderProfile {
  if (typeof raw !== 'object' || raw === null) throw new UsageError(`${where}: a profile must be a JSON object`);
  const o = raw as Record<string, unknown>;
  if (typeof o.name !== 'string') throw new UsageError(`${where}: "name" must be a string`);
  const requests = (o.requests ?? {}) as Record<string, unknown>;
  const responses = (o.responses ?? {}) as Record<string, unknown>;
  const paths = (o.paths ?? {}) as Record<string, unknown>;
  const profile: HeaderProfile = {
    name: o.name,
    description: typeof o.description === 'string' ? o.description : '',
    source: typeof o.source === 'object' && o.source !== null ? (o.source as Record<string, string>) : undefined,
    paths: { ...DEFAULT_PATHS },
    requests: {} as Record<ExchangeKind, HeaderList>,
    responses: {} as Record<ExchangeKind, HeaderList>,
  };
  for (const kind of EXCHANGE_KINDS) {
    profile.requests[kind] = headerList(requests[kind], `${where}: requests.${kind}`);
    profile.responses[kind] = headerList(responses[kind] ?? [], `${where}: responses.${kind}`);
    const p = paths[kind];
    if (p !== undefined) {
      if (typeof p !== 'string' || !p.startsWith('/') || /[\s?#]/.test(p)) throw new UsageError(`${where}: paths.${kind} must be an absolute path without query`);
      profile.paths[kind] = p;
    }
  }
  if (o.h2 !== undefined) {
    const h2 = o.h2 as Record<string, unknown>;
    const reqs = (typeof h2 === 'object' && h2 !== null ? h2.requests ?? {} : undefined) as Record<string, unknown> | undefined;
    if (reqs === undefined || typeof reqs !== 'object') throw new UsageError(`${where}: "h2" must be an object with "requests"`);
    profile.h2 = { requests: {} };
    for (const kind of EXCHANGE_KINDS) if (reqs[kind] !== undefined) profile.h2.requests[kind] = h2HeaderList(reqs[kind], `${where}: h2.requests.${kind}`);
  }
  const ws = profile.requests.websocket.map(([n, v]) => `${n.toLowerCase()}:${v}`);
  for (const need of ['sec-websocket-key:{key}', 'sec-websocket-version:13']) {
    if (!ws.some((h) => h.toLowerCase() === need)) throw new UsageError(`${where}: requests.websocket must include ${need.replace(':', ': ')}`);
  }
  for (const kind of ['sse', 'stream'] as const) {
    if (!profile.responses[kind].some(([n, v]) => n.toLowerCase() === 'transfer-encoding' && v === 'chunked')) {
      throw new UsageError(`${where}: responses.${kind} must include Transfer-Encoding: chunked`);
    }
  }
  if (!profile.responses.poll.some(([n, v]) => n.toLowerCase() === 'content-length' && v === '{length}')) {
    throw new UsageError(`${where}: responses.poll must include Content-Length: {length}`);
  }
  return profile;
}

export function loadProfile(name: string, dir = profilesDir): HeaderProfile {
  // A path (absolute, or with a slash, or ending in .json) is read as given; a name must be a plain slug, so that
  // "../../package" cannot reach a file outside the profiles directory.
  const byPath = path.isAbsolute(name) || name.includes('/') || name.endsWith('.json');
  if (!byPath && !/^[a-z0-9][a-z0-9_-]{0,63}$/i.test(name)) {
    throw new UsageError(`"${name}" is not a header profile name (letters, digits, - and _) or a path to a .json file; available: ${listProfiles(dir).join(', ')}`);
  }
  const file = byPath ? path.resolve(name) : path.join(dir, `${name}.json`);
  const raw = readJsonFile(file, {
    unreadable: () =>
      byPath
        ? `cannot read header profile file ${name}; give a path to a JSON profile or a name: ${listProfiles(dir).join(', ')}`
        : `unknown header profile "${name}"; available: ${listProfiles(dir).join(', ') || 'none'} (files in ${dir})`,
    invalid: (e) => `${file} is not valid JSON: ${e.message}`,
  });
  return parseProfile(raw, file);
}

export interface HeaderVars {
  host?: string;
  key?: string;
  length?: number;
  date?: string;
}

/** Fills the placeholders of a header list. */
export function fillHeaders(list: HeaderList, vars: HeaderVars): Array<[string, string]> {
  return list.map(([name, value]) => [
    name,
    value.replace(/\{(host|key|length|date)\}/g, (_, k: keyof HeaderVars) => {
      const v = vars[k];
      if (v === undefined) throw new Error(`header ${name} needs {${k}} but none was given`);
      return String(v);
    }),
  ]);
}

/** IMF-fixdate as HTTP writes it (RFC 9110 §5.6.7): always 29 characters. */
export function httpDate(d = new Date()): string {
  return d.toUTCString();
}
