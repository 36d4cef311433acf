/** The clients' compiled response-head model equals the spec formula on the filled head, for every length. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { responseHeadModel } from '../harness/transports/client.js';
import { httpHeadBytes } from '../harness/protocol/framing.js';
import { fillHeaders, listProfiles, loadProfile } from '../harness/protocol/profiles.js';

test('response head bytes as a function of Content-Length match the filled head in every profile', () => {
  const profiles = listProfiles();
  assert.ok(profiles.length >= 3);
  for (const name of profiles) {
    for (const kind of ['poll', 'sse', 'stream'] as const) {
      const headers = loadProfile(name).responses[kind];
      const model = responseHeadModel('HTTP/1.1 200 OK', headers);
      for (const length of [0, 9, 10, 21, 99_999, 1_234_567]) {
        const filled = httpHeadBytes('HTTP/1.1 200 OK', fillHeaders(headers, { length, date: 'x'.repeat(29) }));
        assert.equal(model(length), filled, `${name} ${kind} length ${length}`);
      }
    }
  }
});
