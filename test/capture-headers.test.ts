import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CAPTURE_PATHS, H2_CAPTURE_KINDS, captureChromiumHeads, captureToProfile, formatProfileJson, parseRawHead } from '../harness/capture/capture-headers.js';
import { writeFileAtomic } from '../results/io.js';
import { main } from '../harness/commands/capture-headers.js';
import { UsageError } from '../harness/errors.js';
import { httpHeadString } from '../harness/protocol/framing.js';
import { EXCHANGE_KINDS, fillHeaders, loadProfile, parseProfile, type HeaderProfile } from '../harness/protocol/profiles.js';
import { profilesDir } from '../harness/paths.js';
import { H2_DROPPED_HEADERS, h2RequestHeaders, profileH2RequestHeaders } from '../harness/protocol/h2/heads.js';

/** RFC 9113 §8.2-§8.3.1 for a browser's GET: pseudo-header fields first, lower-case names, no connection fields. */
function assertH2Request(list: ReadonlyArray<readonly [string, string]>, path: string, what: string): void {
  const names = list.map(([n]) => n);
  const pseudo = names.filter((n) => n.startsWith(':'));
  assert.deepEqual(names.slice(0, pseudo.length), pseudo, `${what}: pseudo-header fields come first`);
  assert.deepEqual([...pseudo].sort(), [':authority', ':method', ':path', ':scheme'], `${what}: request pseudo-header fields`);
  assert.deepEqual(list.find(([n]) => n === ':method'), [':method', 'GET']);
  assert.deepEqual(list.find(([n]) => n === ':scheme'), [':scheme', 'https']);
  assert.deepEqual(list.find(([n]) => n === ':path'), [':path', path]);
  for (const n of names) {
    assert.equal(n, n.toLowerCase(), `${what}: ${n} is not lower-case`);
    assert.ok(!H2_DROPPED_HEADERS.includes(n) && n !== 'host', `${what}: connection-specific field ${n}`);
  }
}

test('parseRawHead keeps names, case and values exactly', () => {
  const raw = 'GET /poll HTTP/1.1\r\nHost: 127.0.0.1:1\r\nsec-ch-ua: "A";v="8", "B"\r\nX-Empty: \r\n\r\n';
  const { requestLine, headers } = parseRawHead(raw);
  assert.equal(requestLine, 'GET /poll HTTP/1.1');
  assert.deepEqual(headers, [['Host', '127.0.0.1:1'], ['sec-ch-ua', '"A";v="8", "B"'], ['X-Empty', '']]);
  assert.equal(httpHeadString(requestLine, headers), raw);
  assert.throws(() => parseRawHead('GET / HTTP/1.1\r\nHost: x\r\n'), /empty line/);
  assert.throws(() => parseRawHead('GET / HTTP/1.1\r\nNoColon\r\n\r\n'), /Name: value/);
});

test('a real Chromium\'s heads, written as a profile, rebuild what it sent byte for byte', async () => {
  const capture = await captureChromiumHeads();
  assert.match(capture.browserVersion, /^\d+\.\d+\.\d+\.\d+$/);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pushbench-capture-'));
  try {
    writeFileAtomic(path.join(dir, 'chromium.json'), formatProfileJson(captureToProfile(capture, loadProfile('minimal').responses)));
    assert.deepEqual(readdirSync(dir), ['chromium.json']);
    const profile = loadProfile('chromium', dir);
    assert.equal(profile.source?.version, capture.browserVersion);
    for (const kind of EXCHANGE_KINDS) {
      const head = capture.heads[kind];
      assert.equal(head.requestLine, `GET ${CAPTURE_PATHS[kind]} HTTP/1.1`);
      assert.equal(profile.paths[kind], CAPTURE_PATHS[kind]);
      const key = head.headers.find(([n]) => n.toLowerCase() === 'sec-websocket-key')?.[1];
      const rebuilt = httpHeadString(`GET ${profile.paths[kind]} HTTP/1.1`, fillHeaders(profile.requests[kind], { host: capture.hostPort, key }));
      assert.equal(rebuilt, head.raw, `${kind} head differs from what Chromium sent`);
      assert.ok(!JSON.stringify(profile.requests[kind]).includes(capture.hostPort), `${kind} still names the capture port`);
    }
    assert.ok(profile.requests.websocket.some(([n, v]) => n === 'Sec-WebSocket-Key' && v === '{key}'));
    assert.deepEqual(profile.responses, loadProfile('minimal').responses);

    // HTTP/2: each kind's header list as Chromium sent it, in wire order, and the profile rebuilds it.
    for (const kind of H2_CAPTURE_KINDS) {
      const sent = capture.h2.heads[kind];
      assertH2Request(sent, CAPTURE_PATHS[kind], `h2 ${kind}`);
      assert.deepEqual(sent.find(([n]) => n === ':authority'), [':authority', capture.h2.hostPort]);
      const rebuilt = fillHeaders(profileH2RequestHeaders(profile, kind, CAPTURE_PATHS[kind], 'https'), { host: capture.h2.hostPort });
      assert.deepEqual(rebuilt, sent, `h2 ${kind} differs from what Chromium sent`);
    }
    assert.equal(profile.h2?.requests.websocket, undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('capture-headers refuses bad arguments before starting a browser', async () => {
  await assert.rejects(main(['--bogus']), (e: unknown) => e instanceof UsageError && /unknown flag --bogus/.test(e.message));
  await assert.rejects(main(['--out']), UsageError);
  await assert.rejects(main(['stray']), (e: unknown) => e instanceof UsageError && /unknown argument "stray"/.test(e.message));
  await assert.rejects(main(['--out', '/nonexistent-dir-pushbench/chromium.json']), /does not exist/);
});

test('the committed chromium profile loads and names the browser version it was captured from', () => {
  const profile = loadProfile('chromium');
  assert.match(profile.source?.version ?? '', /^\d+\.\d+\.\d+\.\d+$/);
  assert.ok(profile.description.includes(profile.source!.version!));
  for (const kind of EXCHANGE_KINDS) assert.deepEqual(profile.requests[kind][0], ['Host', '{host}']);
});

test('profileH2RequestHeaders: the captured HTTP/2 list with this request\'s :path and :scheme, else the mapped HTTP/1.1 head', () => {
  const profile = loadProfile('chromium');
  for (const kind of H2_CAPTURE_KINDS) {
    const list = profileH2RequestHeaders(profile, kind, `${profile.paths[kind]}?since=7`, 'https');
    assertH2Request(list, `${profile.paths[kind]}?since=7`, `committed h2 ${kind}`);
    assert.deepEqual(list.find(([n]) => n === ':authority'), [':authority', '{host}']);
    // The committed capture is the list itself, not the HTTP/1.1 mapping (Chromium adds `priority` over HTTP/2).
    assert.deepEqual(list.map(([n]) => n), profile.h2!.requests[kind]!.map(([n]) => n));
    const clear = profileH2RequestHeaders(profile, kind, '/x', 'http');
    assert.deepEqual(clear.find(([n]) => n === ':scheme'), [':scheme', 'http']);
  }
  // No h2 section (minimal), or no list for the kind: the HTTP/1.1 head mapped by RFC 9113.
  const minimal = loadProfile('minimal');
  assert.equal(minimal.h2, undefined);
  assert.deepEqual(profileH2RequestHeaders(minimal, 'poll', '/poll?since=1', 'https'), h2RequestHeaders(minimal.requests.poll, '/poll?since=1', 'https'));
  const partial: HeaderProfile = { ...profile, h2: { requests: { poll: profile.h2!.requests.poll! } } };
  assert.deepEqual(profileH2RequestHeaders(partial, 'sse', '/sse', 'https'), h2RequestHeaders(profile.requests.sse, '/sse', 'https'));
  // A hand-edited h2 section is checked like the rest of the profile.
  const raw = JSON.parse(readFileSync(path.join(profilesDir, 'chromium.json'), 'utf8')) as { h2: { requests: { poll: string[][] } } };
  raw.h2.requests.poll[5]![0] = 'User-Agent';
  assert.throws(() => parseProfile(raw, 'x.json'), (e: unknown) => e instanceof UsageError && /h2\.requests\.poll\[5\]: "User-Agent" is not a lower-case HTTP\/2 field name/.test(e.message));
});
