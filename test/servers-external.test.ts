/**
 * `--server external`: the examples a user would write (plain node:http, ws) driven through docs/contract.md, started
 * and stopped by `--server-cmd`; and targets off this machine refused before anything is sent.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { packageRoot } from '../harness/paths.js';
import { parseRunArgs } from '../harness/run/scenario.js';
import { freePort } from '../harness/servers/nchan/server.js';
import { isLoopback, parseTarget } from '../harness/servers/external/target.js';
import { UsageError } from '../harness/errors.js';
import { assertDelivered, runKind } from './servers-helpers.js';

const examples = path.join(packageRoot, 'examples');

for (const [transport, file] of [
  ['sse', 'sse-server.mjs'],
  ['websocket', 'websocket-server.mjs'],
] as const) {
  test(`external ${transport}: examples/${file} started by --server-cmd delivers every message, bytes equal the model, nothing left running`, async () => {
    const port = await freePort('127.0.0.1');
    const run = await runKind('external', transport, {
      target: `http://127.0.0.1:${port}`,
      serverCmd: `${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(examples, file))} --port ${port}`,
    });
    assertDelivered(run, 'external');
    assert.ok(run.server.cpuSeconds >= 0 && run.server.maxRssBytes > 10e6, 'the example measured by its PIDs');
    assert.equal(execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).includes(`${file} --port ${port}`), false, 'the example was stopped');
  });
}

test('a target off loopback is refused unless --allow-remote, saying why', () => {
  for (const host of ['127.0.0.1', '127.3.4.5', '::1', '[::1]']) assert.equal(isLoopback(host), true, host);
  for (const host of ['10.0.0.1', '192.168.1.1', '8.8.8.8', '::2', 'example.com', '128.0.0.1']) assert.equal(isLoopback(host), false, host);
  assert.throws(() => parseTarget('--target', 'http://example.com:8080', false), (e: Error) => e instanceof UsageError && /real traffic/.test(e.message) && /--allow-remote/.test(e.message));
  assert.deepEqual(parseTarget('--target', 'http://localhost:8080/', false), { host: '127.0.0.1', port: 8080, base: 'http://localhost:8080' });
  assert.equal(parseTarget('--target', 'http://10.1.2.3:80', true).host, '10.1.2.3');
  assert.throws(() => parseRunArgs(['quick', '--server', 'external', '--target', 'http://10.1.2.3:8080']), UsageError);
  assert.throws(() => parseRunArgs(['quick', '--server', 'external', '--target', 'http://127.0.0.1:8080', '--publish-url', 'http://10.1.2.3/publish']), UsageError);
  assert.equal(parseRunArgs(['quick', '--server', 'external', '--target', 'http://10.1.2.3:8080', '--allow-remote']).options.target, 'http://10.1.2.3:8080');
});

test('pushbench run refuses a remote target with one line and exit 2, before anything starts', () => {
  const cli = path.join(packageRoot, 'dist', 'harness', 'cli.js');
  // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): nothing is there, and nothing may be sent there anyway.
  const r = spawnSync(process.execPath, [cli, 'run', 'quick', '--server', 'external', '--target', 'http://192.0.2.1:8080', '--no-report'], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /not on this machine.*real traffic.*--allow-remote/);
});

test('server options are checked together: external needs a target, flags of external only, transports a kind has', () => {
  assert.throws(() => parseRunArgs(['quick', '--server', 'external']), /needs --target/);
  assert.throws(() => parseRunArgs(['quick', '--server', 'nchan', '--target', 'http://127.0.0.1:1']), /--target is for --server external only/);
  assert.throws(() => parseRunArgs(['quick', '--server', 'socketio', '--transports', 'sse']), /socketio serves long-polling, websocket/);
  assert.throws(() => parseRunArgs(['quick', '--server', 'apache']), /--server must be one of embedded, nchan, socketio, external/);
  // The scenario's five transports narrow to Socket.IO's two.
  assert.deepEqual(parseRunArgs(['quick', '--server', 'socketio']).options.transports, ['long-polling', 'websocket']);
  assert.equal(parseRunArgs(['quick']).options.server, 'embedded');
});
