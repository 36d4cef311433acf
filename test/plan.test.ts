import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EnvironmentError } from '../harness/errors.js';
import { CLUSTER_SKEW, FD_RESERVE, MAX_CONNECTING, connectBatch, describePlan, planRun, serverCapacityPerProcess, type Limits } from '../harness/run/plan.js';

const here: Limits = { openFiles: 20_000, ephemeralPorts: 28_232, cpus: 2, wholeLoopbackNet: true, memoryBytes: 24 * 2 ** 30 };
const laptop: Limits = { openFiles: 1024, ephemeralPorts: 16_384, cpus: 8, wholeLoopbackNet: false };

test('1,000 clients on this machine: one server process, one worker, one source address', () => {
  const p = planRun(1000, 0, '127.0.0.1', here);
  assert.equal(p.serverProcesses, 1);
  assert.equal(p.workers, 1);
  assert.deepEqual(p.clientsPerWorker, [1000]);
  assert.deepEqual(p.localAddresses, []);
  assert.equal(p.serverFds, 1000 + FD_RESERVE);
});

test('clients are shared out over the asked workers, and add up', () => {
  const p = planRun(1001, 3, '127.0.0.1', here);
  assert.deepEqual(p.clientsPerWorker, [334, 334, 333]);
  assert.equal(p.clientsPerWorker.reduce((a, b) => a + b), 1001);
});

test('the 1024-descriptor laptop gets a working plan for 1,000 clients: two server processes, two workers', () => {
  const p = planRun(1000, 0, '127.0.0.1', laptop);
  assert.equal(p.serverProcesses, 2);
  assert.equal(p.workers, 2);
  assert.deepEqual(p.clientsPerWorker, [500, 500]);
  assert.equal(p.serverFds, Math.ceil(500 * CLUSTER_SKEW) + FD_RESERVE);
  assert.ok(p.serverFds <= laptop.openFiles && p.workerFds <= laptop.openFiles);
  // Up to the single-process limit, no cluster.
  assert.equal(planRun(960, 0, '127.0.0.1', laptop).serverProcesses, 1);
  assert.equal(planRun(961, 0, '127.0.0.1', laptop).serverProcesses, 2);
});

test('100,000 clients here: server processes, workers and source addresses from the limits', () => {
  const p = planRun(100_000, 0, '127.0.0.1', here);
  assert.equal(p.serverProcesses, Math.ceil(100_000 / serverCapacityPerProcess(20_000, 2)));
  assert.equal(p.serverProcesses, 7);
  assert.equal(p.workers, 10);
  assert.deepEqual(p.localAddresses, ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5']);
  assert.equal(p.localPortBase, 20_000);
  assert.ok(p.serverFds <= here.openFiles, `${p.serverFds}`);
  assert.equal(p.workerFds, 10_000 + FD_RESERVE);
  const text = describePlan(p, 100_000, here);
  assert.match(text, /7 processes behind one port/);
  assert.match(text, /127\.0\.0\.2\.\.127\.0\.0\.5 \(4\), ports from 20000/);
});

test('asked server processes too few for the descriptors: refused, naming how many', () => {
  assert.throws(() => planRun(1000, 0, '127.0.0.1', laptop, 1), (e: Error) => {
    assert.ok(e instanceof EnvironmentError);
    assert.match(e.message, /need 1064 open files each but the limit is 1024/);
    assert.match(e.message, /--server-processes 2 or more/);
    return true;
  });
  assert.equal(planRun(1000, 0, '127.0.0.1', laptop, 3).serverProcesses, 3);
  assert.throws(() => planRun(3, 0, '127.0.0.1', here, 4), /--server-processes 4 is more than the 3 clients/);
});

test('more clients than one address has ports need several loopback addresses, or a refusal', () => {
  const wide: Limits = { ...here, openFiles: 1_000_000 };
  const p = planRun(60_000, 0, '127.0.0.1', wide);
  assert.deepEqual(p.localAddresses, ['127.0.0.2', '127.0.0.3', '127.0.0.4']);
  assert.throws(() => planRun(60_000, 0, '127.0.0.1', { ...wide, wholeLoopbackNet: false }), /source addresses/);
});

test('a limit too low for any run, or too many processes, is refused with the ulimit to set', () => {
  assert.throws(() => planRun(10, 0, '127.0.0.1', { ...laptop, openFiles: 100 }), /ulimit -n 4096/);
  assert.throws(() => planRun(1_000_000, 0, '127.0.0.1', { ...laptop, openFiles: 256 }), (e: Error) => {
    assert.ok(e instanceof EnvironmentError);
    assert.match(e.message, /server processes at an open-files limit of 256/);
    assert.match(e.message, /ulimit -n \d+/);
    return true;
  });
});

test('a plan whose memory estimate does not fit is refused with a client count that would', () => {
  const small: Limits = { ...here, memoryBytes: 2 * 2 ** 30 };
  assert.throws(() => planRun(100_000, 0, '127.0.0.1', small), (e: Error) => {
    const m = /ask for at most (\d+) clients/.exec(e.message);
    assert.ok(m, e.message);
    assert.doesNotThrow(() => planRun(Number(m[1]), 0, '127.0.0.1', small));
    return true;
  });
});

test('too few workers for the descriptors, and more workers than clients, are refused', () => {
  assert.throws(() => planRun(30_000, 1, '127.0.0.1', here), /use --workers 2 or more/);
  assert.throws(() => planRun(3, 4, '127.0.0.1', here), /--workers 4 is more than the 3 clients/);
});

test('a paced ramp opens its batch only while fewer than its cap are opened and not yet subscribed', () => {
  // Healthy: everything opened so far subscribed, the whole batch goes.
  assert.equal(connectBatch({ opened: 500, subscribed: 500, total: 10_000, perTick: 30, maxConnecting: 100 }), 30);
  // A server that is not keeping up: 90 in flight leaves room for 10, 100 or more for none (retries count too).
  assert.equal(connectBatch({ opened: 590, subscribed: 500, total: 10_000, perTick: 30, maxConnecting: 100 }), 10);
  assert.equal(connectBatch({ opened: 600, subscribed: 500, total: 10_000, perTick: 30, maxConnecting: 100 }), 0);
  // Never past the last client; no cap (all at once, or an older harness) is the batch.
  assert.equal(connectBatch({ opened: 9_990, subscribed: 9_990, total: 10_000, perTick: 30, maxConnecting: 100 }), 10);
  assert.equal(connectBatch({ opened: 600, subscribed: 0, total: 10_000, perTick: 30 }), 30);
  assert.ok(MAX_CONNECTING > 0 && MAX_CONNECTING < 20_000, 'far below one process\'s open-files limit');
});
