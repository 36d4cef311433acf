/**
 * Faults over TLS (100 clients): the restarted server serves the run's certificate again, the liveness timeout,
 * the slow consumer's throttle and the fault record act on TLS connections as on clear-text ones.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runScenario } from '../harness/run/runner.js';
import type { CompletedTransportRun, FaultSpec, FaultTransportStats, ResultsFile, TransportName } from '../results/types.js';
import { smallRun } from './helpers.js';

const CLIENTS = 100;

async function tlsFaultRun(transports: TransportName[], fault: FaultSpec, extra: Parameters<typeof smallRun>[0] = {}): Promise<ResultsFile> {
  return runScenario(smallRun({ transports, clients: CLIENTS, rate: 4, durationS: 5, intervalMs: 250, fault, tls: true, ...extra }));
}

function completed(results: ResultsFile, t: TransportName): CompletedTransportRun {
  const run = results.runs.find((r) => r.transport === t);
  assert.ok(run && run.state === 'completed', `${t}: ${run && run.state === 'errored' ? run.error : 'missing'}`);
  assert.equal(run.transportOptions.tls, true, t);
  return run;
}

function faultOf(results: ResultsFile, t: TransportName): FaultTransportStats {
  const f = results.faults?.transports.find((x) => x.transport === t);
  assert.ok(f, `${t}: no faults entry`);
  return f;
}

test('server restart over TLS: the new server has the certificate, every client comes back, nothing lost', { timeout: 120_000 }, async () => {
  const results = await tlsFaultRun(['sse', 'websocket'], { kind: 'server-restart', atS: 1.5, downS: 0.5 });
  for (const t of ['sse', 'websocket'] as const) {
    const run = completed(results, t);
    const f = faultOf(results, t);
    assert.deepEqual(run.messages, { expected: CLIENTS * 20, delivered: CLIENTS * 20, lost: 0, duplicated: 0, reordered: 0 }, t);
    assert.equal(f.detect.clients, CLIENTS, t);
    assert.equal(f.resubscribe.clients, CLIENTS, t);
  }
});

test('partition over TLS: the heartbeat timeout notices it on every TLS connection', { timeout: 60_000 }, async () => {
  const results = await tlsFaultRun(['sse'], { kind: 'partition', atS: 1.5, forS: 2.5 }, { durationS: 6, heartbeatMs: 400 });
  const run = completed(results, 'sse');
  const f = faultOf(results, 'sse');
  assert.deepEqual(f.detect.by, { IDLE_TIMEOUT: CLIENTS });
  assert.deepEqual([run.messages.lost, run.messages.duplicated], [0, 0]);
});

test('slow consumers over TLS: the throttle holds back exactly the share asked for', { timeout: 60_000 }, async () => {
  const results = await tlsFaultRun(['websocket'], { kind: 'slow-consumer', atS: 1, share: 0.1, readBytesPerS: 256 }, { rate: 20, payloadBytes: 256, durationS: 3, drainTimeoutMs: 1000 });
  const f = faultOf(results, 'websocket');
  assert.ok(f.slow);
  assert.equal(f.slow.clients, 10);
  assert.equal(f.slow.healthyBeforeMs.count + f.slow.healthyAfterMs.count, 90 * 60);
  assert.ok(f.slow.slowAfterMs.count > 0 && f.slow.slowAfterMs.count < 10 * 40);
  assert.ok(f.messages.lost > 0);
});

test('reconnect storm over TLS: the server resets every TCP connection under TLS, every client subscribes again', { timeout: 60_000 }, async () => {
  const results = await tlsFaultRun(['sse'], { kind: 'reconnect-storm', atS: 1.5 }, { durationS: 4 });
  const f = faultOf(results, 'sse');
  assert.equal(f.affected, CLIENTS);
  assert.deepEqual(f.detect.by, { ECONNRESET: CLIENTS });
  assert.equal(f.resubscribe.clients, CLIENTS);
  assert.equal(f.messages.lost, 0);
});
