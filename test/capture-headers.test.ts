import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CAPTURE_PATHS, captureChromiumHeads, captureToProfile, formatProfileJson, parseRawHead } from '../harness/capture/capture-headers.js';
import { writeFileAtomic } from '../results/io.js';
import { main } from '../harness/commands/capture-headers.js';
import { UsageError } from '../harness/errors.js';
import { httpHeadString } from '../harness/protocol/framing.js';
import { EXCHANGE_KINDS, fillHeaders, loadProfile } from '../harness/protocol/profiles.js';

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
