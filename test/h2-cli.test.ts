/**
 * --protocol on the command line: h1 by default; h2 implies TLS; combinations that cannot work are one line, exit 2,
 * nothing started; the table and the results reader know the protocol, and files without it read as HTTP/1.1.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { distHarnessDir } from '../harness/paths.js';
import { parseRunArgs } from '../harness/run/scenario.js';
import { COLUMNS } from '../reports/table.js';
import { parseFile } from '../results/read.js';
import { completedRun, resultsFile } from './compare-fixtures.js';

const CLI = path.join(distHarnessDir, 'cli.js');
const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
const protocolCell = COLUMNS.find((c) => c.title === 'protocol')!.cell;

test('--protocol is h1 by default; h2 implies TLS; every transport has an HTTP/2 form', () => {
  assert.equal(parseRunArgs(['quick']).options.protocol, 'h1');
  const h2 = parseRunArgs(['quick', '--protocol', 'h2']).options;
  assert.equal(h2.tls, true);
  assert.deepEqual(h2.transports, ['short-polling', 'long-polling', 'sse', 'http-streaming', 'websocket']);
  const h2c = parseRunArgs(['quick', '--protocol=h2c', '-t', 'sse']).options;
  assert.equal(h2c.tls, false);
  assert.deepEqual(h2c.transports, ['sse']);
  assert.match(cli(['run', '--help']).stdout, /--protocol h1\|h2\|h2c +HTTP\/1\.1, HTTP\/2 over TLS/);
});

const refused: Array<[string[], RegExp]> = [
  [['--protocol', 'h2c', '--tls'], /^pushbench: --protocol h2c is HTTP\/2 in clear text and --tls asks for TLS; use --protocol h2 for HTTP\/2 over TLS\n$/],
  [['--protocol', 'h2', '-t', 'sse,websocket', '--permessage-deflate'], /^pushbench: --permessage-deflate has no HTTP\/2 form here \(ws negotiates it only in an HTTP\/1\.1 upgrade\); leave it out with --protocol h2\n$/],
  [['--protocol', 'h2c', '--server', 'socketio'], /^pushbench: --protocol h2c works with pushbench's own servers only, not --server socketio; leave out one of them\n$/],
  [['--protocol', 'h3'], /^pushbench: --protocol .*h1, h2, h2c.*\n$/],
];
for (const [args, message] of refused) {
  test(`run quick ${args.join(' ')}: one line, exit 2, nothing written`, () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'pushbench-h2-cli-'));
    try {
      const r = cli(['run', 'quick', ...args, '-c', '5', '-d', '1', '--no-report', '--out', out]);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.deepEqual(readdirSync(out), []);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
}

test('the protocol column: h2 (always TLS), h2c; files without a protocol read as HTTP/1.1; a bad one is named', () => {
  const run = (o: object) => {
    const r = completedRun('sse', 0);
    return { ...r, transportOptions: { ...r.transportOptions, ...o } };
  };
  assert.equal(protocolCell(run({ protocol: 'h2', tls: true })), 'h2');
  assert.equal(protocolCell(run({ protocol: 'h2c' })), 'h2c');
  assert.equal(protocolCell(run({ tls: true })), 'h1+tls');
  const old = resultsFile([run({})]);
  assert.equal(protocolCell(parseFile(JSON.parse(JSON.stringify(old)), 'old.json', ['results']).runs[0]!), 'h1');
  const bad = JSON.parse(JSON.stringify(resultsFile([run({ protocol: 'h3' })])));
  assert.throws(() => parseFile(bad, 'bad.json', ['results']), /runs\[0\]\.transportOptions\.protocol must be one of "h2", "h2c", got "h3"/);
});

test('pushbench modern: --protocol is its own, refused; a short flag first is a flag, not a scenario', () => {
  const p = cli(['modern', '--protocol', 'h2']);
  assert.equal(p.status, 2);
  assert.match(p.stderr, /^pushbench: pushbench modern measures HTTP\/1\.1 and HTTP\/2 itself; leave out --protocol\n$/);
  const short = cli(['modern', '-c', '5', '--json', 'x.json']);
  assert.equal(short.status, 2);
  assert.match(short.stderr, /three results files .*--out DIR instead of --json/);
});
