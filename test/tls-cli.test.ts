/** --tls on the command line and `pushbench modern`: the flag is a run option, its failures are one line. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { distHarnessDir } from '../harness/paths.js';
import { parseRunArgs } from '../harness/run/scenario.js';
import { attachTlsCost } from '../harness/commands/modern.js';
import { COLUMNS } from '../reports/table.js';
import { completedRun, resultsFile } from './compare-fixtures.js';
import type { CompletedTransportRun } from '../results/types.js';

const CLI = path.join(distHarnessDir, 'cli.js');
const cli = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000, env });

test('--tls is a run flag and a scenario key, off by default', () => {
  assert.equal(parseRunArgs(['quick']).options.tls, false);
  assert.equal(parseRunArgs(['quick', '--tls']).options.tls, true);
  assert.equal(parseRunArgs(['quick', '--tls', '--no-tls']).options.tls, false);
  assert.match(cli(['run', '--help']).stdout, /--tls +every transport over TLS 1\.3/);
});

test('--tls without openssl: one line naming the package, exit 3, no results', () => {
  const r = cli(['run', 'quick', '--tls', '--clients', '5', '--duration', '1', '--no-report', '--out', '/nonexistent-dir/x'], { ...process.env, PATH: '/nonexistent-dir' });
  assert.equal(r.status, 3, r.stderr);
  const last = r.stderr.trim().split('\n').pop()!;
  assert.match(last, /^pushbench: --tls needs openssl .*apt-get install -y openssl$/);
});

test('pushbench modern measures TLS itself and writes two files: --tls and --json are refused, exit 2', () => {
  const tls = cli(['modern', '--tls']);
  assert.equal(tls.status, 2);
  assert.match(tls.stderr, /^pushbench: pushbench modern measures both clear text and TLS itself; leave out --tls\n$/);
  const json = cli(['modern', '--json', 'x.json']);
  assert.equal(json.status, 2);
  assert.match(json.stderr, /--out DIR instead of --json/);
});

test('TLS CPU per message is the TLS run minus its clear-text twin, per side', () => {
  const run = (tls: boolean, serverCpuS: number, clientCpuS: number): CompletedTransportRun => {
    const r = completedRun('sse', 0);
    return {
      ...r,
      transportOptions: { ...r.transportOptions, ...(tls ? { tls: true } : {}) },
      messages: { ...r.messages, delivered: 10_000 },
      server: { ...r.server, cpuSeconds: serverCpuS },
      clientWorkers: { ...r.clientWorkers, cpuSeconds: clientCpuS },
    };
  };
  const clear = resultsFile([run(false, 0.2, 0.3)]);
  const tls = resultsFile([run(true, 0.35, 0.42)]);
  attachTlsCost(clear, tls, 'clear.json');
  const t = tls.runs[0] as CompletedTransportRun;
  assert.deepEqual(t.tlsCost, { clearFile: 'clear.json', serverCpuUsPerMessage: 15, clientCpuUsPerMessage: 12 });
  assert.equal(COLUMNS.find((c) => c.title === 'protocol')!.cell(t), 'h1+tls');
  assert.equal(COLUMNS.find((c) => c.title === 'protocol')!.cell(clear.runs[0]!), 'h1');
});

test('--tls with a server pushbench does not host: one line, exit 2, nothing started', () => {
  const r = cli(['run', 'quick', '--tls', '--server', 'nchan']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^pushbench: --tls works with pushbench's own servers only, not --server nchan; leave out one of them\n$/);
});
