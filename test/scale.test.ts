/**
 * The contract of test/transports.test.ts again, with every transport's server spread over several processes behind
 * one port and the clients over several workers: delivery exact, bytes equal to the model, and every merged figure
 * equal to the sum (or merge) of the parts the processes reported themselves.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeHistogram, mergeEncoded } from '../results/histogram.js';
import { runScenario } from '../harness/run/runner.js';
import { addCost, addWire } from '../harness/run/server-process.js';
import { CLIENT_LOOP_RESOLUTION_MS, LOOP_RESOLUTION_MS } from '../harness/measure/proc-stats.js';
import { TRANSPORTS } from '../harness/transports/registry.js';
import type { CompletedTransportRun, TransportName } from '../results/types.js';
import { smallRun } from './helpers.js';

async function runSharded(transport: TransportName, clients: number, serverProcesses: number, workers: number): Promise<CompletedTransportRun> {
  const results = await runScenario(smallRun({ transports: [transport], clients, intervalMs: 500, durationS: 2, serverProcesses, workers }));
  const run = results.runs[0]!;
  assert.equal(run.state, 'completed', run.state === 'errored' ? run.error : '');
  return run as CompletedTransportRun;
}

function assertContract(run: CompletedTransportRun, clients: number): void {
  const m = run.messages;
  assert.equal(run.connect.connected, clients, 'every client subscribed');
  assert.equal(m.delivered, clients * run.published, 'every message delivered');
  assert.equal(m.lost + m.duplicated + m.reordered, 0);
  assert.deepEqual(run.wire.setup, run.wire.model.setup, 'setup bytes equal the model');
  assert.equal(run.wire.c2sBytes, run.wire.model.c2sBytes, 'client-to-server bytes equal the model');
  assert.equal(run.wire.s2cBytes, run.wire.model.s2cBytes, 'server-to-client bytes equal the model');
  assert.equal(run.wire.receivedBodyBytes, m.delivered * run.payloadBytes, 'bodies are the same size from every process');
  assert.equal(run.wire.matchesModel, true);
}

function assertSumOfParts(run: CompletedTransportRun, serverProcesses: number, workers: number): void {
  const parts = run.server.perProcess!;
  assert.equal(run.server.processes, serverProcesses);
  assert.equal(parts.length, serverProcesses + 1, 'one primary and its workers');
  assert.equal(parts.filter((p) => p.role === 'primary').length, 1);
  const serving = parts.filter((p) => p.role === 'worker');
  assert.ok(serving.every((p) => p.connections > 0), `round-robin gave every process connections: ${serving.map((p) => p.connections)}`);
  assert.equal(run.server.connections, serving.reduce((a, p) => a + p.connections, 0));
  const wire = addWire(
    parts.map((p) => ({ setup: p.setup, preWindow: p.preWindow!, window: p.window!, postWindow: p.postWindow!, total: p.total, connections: p.connections, connectionsOpened: 0 })),
  );
  assert.deepEqual(wire.setup, run.wire.setup);
  assert.deepEqual(wire.preWindow, run.wire.preWindow);
  assert.deepEqual(wire.postWindow, run.wire.postWindow);
  // The four parts are every byte: the window is what is left of the total.
  assert.equal(wire.total.c2sBytes - wire.setup.c2sBytes - wire.preWindow.c2sBytes - wire.postWindow.c2sBytes, run.wire.c2sBytes);
  assert.equal(wire.total.s2cBytes - wire.setup.s2cBytes - wire.preWindow.s2cBytes - wire.postWindow.s2cBytes, run.wire.s2cBytes);
  const cost = addCost(parts.map((p) => ({ pid: p.pid, cpuSeconds: p.cpuSeconds, wallSeconds: 0, rssBytes: p.rssBytes, maxRssBytes: p.maxRssBytes, eventLoopDelay: run.server.eventLoopDelay })));
  assert.equal(cost.rssBytes, run.server.rssBytes);
  assert.equal(cost.maxRssBytes, run.server.maxRssBytes);
  assert.ok(Math.abs(cost.cpuSeconds - run.server.cpuSeconds) <= 0.001 * parts.length, `${cost.cpuSeconds} vs ${run.server.cpuSeconds}`);

  // User and kernel time add up to the CPU (each rounded to the millisecond), for the servers and the clients alike;
  // every process slept at least once in the window.
  for (const side of [run.server, run.clientWorkers]) {
    assert.ok(side.userSeconds !== undefined && side.systemSeconds !== undefined, 'the user/system split is recorded');
    assert.ok(Math.abs(side.userSeconds + side.systemSeconds - side.cpuSeconds) <= 0.002, `${side.userSeconds} + ${side.systemSeconds} vs ${side.cpuSeconds}`);
    assert.ok(side.voluntaryContextSwitches! > 0, 'wake-ups are counted');
  }

  // The client workers ran without V8's memory reducer, and the results say so (from the workers' own execArgv).
  assert.ok(run.clientWorkers.nodeArgs?.includes('--no-memory-reducer'), `client workers ran with ${run.clientWorkers.nodeArgs}`);

  // The loop-delay timers' periods are recorded, so a reader knows what the figures could see.
  assert.equal(run.server.eventLoopDelay.resolutionMs, LOOP_RESOLUTION_MS);
  assert.equal(run.clientWorkers.eventLoopDelay.resolutionMs, CLIENT_LOOP_RESOLUTION_MS);

  const clients = run.clientWorkers.perProcess!;
  assert.equal(clients.length, workers);
  assert.equal(clients.reduce((a, c) => a + c.delivered, 0), run.messages.delivered);
  assert.equal(clients.reduce((a, c) => a + c.subscribed, 0), run.connect.connected);
  const merged = decodeHistogram(run.latencyMs.histogram);
  const again = mergeEncoded(clients.map((c) => c.histogram));
  assert.equal(merged.totalCount, run.messages.delivered, 'one latency sample per delivery');
  assert.equal(again.totalCount, clients.reduce((a, c) => a + decodeHistogram(c.histogram).totalCount, 0));
  for (const q of [0, 50, 90, 99, 99.9, 100]) assert.equal(again.getValueAtPercentile(q), merged.getValueAtPercentile(q), `p${q}`);
}

for (const name of Object.keys(TRANSPORTS) as TransportName[]) {
  test(`${name} over 2 server processes and 2 workers: every message once, bytes equal the model, sums of parts`, async () => {
    const run = await runSharded(name, 100, 2, 2);
    assertContract(run, 100);
    assertSumOfParts(run, 2, 2);
    assert.equal(run.plan?.serverProcesses, 2);
    assert.ok(run.memory && run.memory.serverConnectedRssBytes > 0 && run.memory.clientIdleRssBytes > 0);
  });
}

test('websocket over 3 server processes and 3 workers, 300 clients: merged counts and histograms are the sum of their parts', async () => {
  const run = await runSharded('websocket', 300, 3, 3);
  assertContract(run, 300);
  assertSumOfParts(run, 3, 3);
  assert.equal(run.connect.rampPerS! > 0, true);
});

test('a laptop with ulimit -n 1024 runs 1,000 clients: the plan prints first, two server processes, every message delivered', async () => {
  const { spawnSync } = await import('node:child_process');
  const { mkdtempSync, readFileSync } = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const { distHarnessDir } = await import('../harness/paths.js');
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'pb-laptop-')), 'r.json');
  const cli = path.join(distHarnessDir, 'cli.js');
  const r = spawnSync(
    '/bin/sh',
    ['-c', `ulimit -n 1024 && exec "${process.execPath}" "${cli}" run quick --transports sse --clients 1000 --duration 1 --no-report --json "${file}"`],
    { encoding: 'utf8', timeout: 90_000 },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /plan for 1000 clients \(open-files limit 1024 per process/);
  assert.match(r.stderr, /server: 2 processes behind one port/);
  const run = JSON.parse(readFileSync(file, 'utf8')).runs[0] as CompletedTransportRun;
  assert.equal(run.server.processes, 2);
  assert.equal(run.plan?.openFilesLimit, 1024);
  assert.equal(run.messages.delivered, 1000 * run.published);
  assert.equal(run.wire.matchesModel, true);
});

test('the user/system split adds over processes only when every process has one', async () => {
  const { addCpuSplit } = await import('../harness/measure/proc-stats.js');
  const loop = { p50Ms: 0, p99Ms: 0, maxMs: 0 };
  const part = (user: number, system: number, switches: number) => ({ pid: 1, cpuSeconds: user + system, userSeconds: user, systemSeconds: system, voluntaryContextSwitches: switches, wallSeconds: 1, rssBytes: 0, maxRssBytes: 0, eventLoopDelay: loop });
  assert.deepEqual(addCpuSplit([part(1, 2, 10), part(0.5, 0.25, 5)]), { userSeconds: 1.5, systemSeconds: 2.25, voluntaryContextSwitches: 15 });
  // A process read from /proc has no split: a sum without it would pass for the whole.
  assert.deepEqual(addCpuSplit([part(1, 2, 10), { pid: 2, cpuSeconds: 3, wallSeconds: 1, rssBytes: 0, maxRssBytes: 0, eventLoopDelay: loop }]), {});
  assert.deepEqual(addCpuSplit([]), {});
  const sum = addCost([part(1, 2, 10), part(0.5, 0.25, 5)]);
  assert.equal(sum.cpuSeconds, 3.75);
  assert.equal(sum.userSeconds, 1.5);
});
