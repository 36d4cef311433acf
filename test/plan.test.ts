import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EnvironmentError } from '../harness/errors.js';
import { FD_RESERVE, planRun, type Limits } from '../harness/plan.js';

const here: Limits = { openFiles: 20_000, ephemeralPorts: 28_232, cpus: 2, wholeLoopbackNet: true };
const laptop: Limits = { openFiles: 1024, ephemeralPorts: 16_384, cpus: 8, wholeLoopbackNet: false };

test('1,000 clients on this machine: one worker, one source address', () => {
  const p = planRun(1000, 0, '127.0.0.1', here);
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

test('a server that would need more descriptors than the limit is refused, naming the fix', () => {
  assert.throws(() => planRun(1000, 0, '127.0.0.1', laptop), (e: Error) => {
    assert.ok(e instanceof EnvironmentError);
    assert.match(e.message, /ulimit -n 1064/);
    assert.match(e.message, /at most 960 clients/);
    return true;
  });
  assert.equal(planRun(960, 0, '127.0.0.1', laptop).workers, 1);
});

test('more clients than one address has ports need several loopback addresses, or a refusal', () => {
  const wide: Limits = { ...here, openFiles: 1_000_000 };
  const p = planRun(60_000, 0, '127.0.0.1', wide);
  assert.deepEqual(p.localAddresses, ['127.0.0.1', '127.0.0.2', '127.0.0.3']);
  assert.throws(() => planRun(60_000, 0, '127.0.0.1', { ...wide, wholeLoopbackNet: false }), /source addresses/);
});

test('the server process is the first to run out: refused one client past the limit, accepted at it', () => {
  const tight: Limits = { ...here, openFiles: 5_000 };
  assert.equal(planRun(5_000 - FD_RESERVE, 0, '127.0.0.1', tight).serverFds, 5_000);
  assert.throws(() => planRun(5_000 - FD_RESERVE + 1, 0, '127.0.0.1', tight), EnvironmentError);
});

test('more workers than clients is refused', () => {
  assert.throws(() => planRun(3, 4, '127.0.0.1', here), /--workers 4 is more than the 3 clients/);
});
