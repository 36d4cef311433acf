/** A run is planned once, before anything starts, and runs on the plan its caller made (and printed). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { machineLimits } from '../harness/measure/environment.js';
import { planFor } from '../harness/run/plan.js';
import { runScenario } from '../harness/run/runner.js';
import { smallRun } from './helpers.js';

test('runScenario runs every transport on the plan it is handed, not one of its own', async () => {
  const options = smallRun({ transports: ['sse', 'websocket'], clients: 6, durationS: 1 });
  // The planner itself would give 6 clients one worker and one server process (options.workers is 0: planned).
  const own = planFor(options, machineLimits());
  assert.deepEqual([own.plan.workers, own.plan.serverProcesses], [1, 1]);
  const handed = planFor({ ...options, workers: 2 }, own.limits);
  const results = await runScenario(options, {}, handed);
  assert.deepEqual(
    results.runs.map((r) => [r.transport, r.state, r.state === 'completed' ? r.plan?.clientWorkers : null]),
    [['sse', 'completed', 2], ['websocket', 'completed', 2]],
  );
});

test('a plan for another client count is refused before anything starts', async () => {
  const options = smallRun({ transports: ['sse'], clients: 6, durationS: 1 });
  const other = planFor({ ...options, clients: 7 }, machineLimits());
  await assert.rejects(runScenario(options, {}, other), /handed a plan for 7 clients, not the 6 asked for/);
});
