import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareFiles } from '../harness/compare/compare.js';
import { parseComparable } from '../harness/compare/load.js';
import { defaultPolicy } from '../harness/compare/policy.js';
import { UsageError } from '../harness/errors.js';
import { allTasks, runMicro } from '../harness/micro/run.js';
import { latencySeries, resultsFile } from './compare-fixtures.js';

const quiet = () => {};

test('a micro run records one sample per round per task, in a file compare accepts', async () => {
  const file = await runMicro(await allTasks(), { rounds: 3, roundTimeMs: 5, filter: 'framing/sse', processPerRound: false }, quiet);
  assert.equal(file.kind, 'micro');
  assert.equal(file.scenario, 'micro');
  assert.equal(file.rounds, 3);
  assert.deepEqual(file.tasks.map((t) => t.name), ['framing/sseEventBytes']);
  const [task] = file.tasks;
  assert.equal(task!.nsPerOpSamples.length, 3);
  assert.equal(task!.opsPerRound.length, 3);
  for (const ns of task!.nsPerOpSamples) assert.ok(Number.isFinite(ns) && ns > 0, `ns/op ${ns}`);
  for (const ops of task!.opsPerRound) assert.ok(Number.isInteger(ops) && ops % 1000 === 0 && ops > 0);
  // Round-trips through JSON and validation, and compares with itself as unchanged.
  const again = parseComparable(JSON.parse(JSON.stringify(file)), 'micro.json');
  const out = compareFiles(again, file, defaultPolicy());
  assert.equal(out.comparisons.length, 1);
  assert.equal(out.comparisons[0]!.metric, 'micro.nsPerOp');
  assert.equal(out.comparisons[0]!.verdict, 'insufficient-samples');
});

test('rounds in their own processes are merged per task', async () => {
  const file = await runMicro(await allTasks(), { rounds: 2, roundTimeMs: 5, filter: 'framing/ws', processPerRound: true }, quiet);
  assert.deepEqual(file.tasks.map((t) => [t.name, t.nsPerOpSamples.length]), [
    ['framing/wsFrameHeaderBytes', 2],
    ['framing/wsHandshake', 2],
  ]);
});

test('micro-benchmark tasks doubled in cost are a regression; micro and run files do not mix', async () => {
  const file = await runMicro(await allTasks(), { rounds: 1, roundTimeMs: 5, filter: 'feed/decode', processPerRound: false }, quiet);
  const base = { ...file, tasks: [{ ...file.tasks[0]!, nsPerOpSamples: [30, 31, 29, 30.5, 29.5] }] };
  const slow = { ...file, tasks: [{ ...file.tasks[0]!, nsPerOpSamples: [60, 62, 58, 61, 59] }] };
  const out = compareFiles(base, slow, defaultPolicy());
  assert.equal(out.comparisons[0]!.verdict, 'regression');
  assert.equal(out.summary.exitCode, 1);
  assert.throws(() => compareFiles(base, resultsFile(latencySeries('sse', [1])), defaultPolicy()), UsageError);
  await assert.rejects(runMicro(await allTasks(), { rounds: 1, roundTimeMs: 5, filter: 'nothing-like-this', processPerRound: false }, quiet), /no micro-benchmark task matches/);
});

test('micro files pool per task across invocations, and --repeats keeps the first rounds', async () => {
  const { firstRepeats, mergeRecordings } = await import('../harness/compare/compare.js');
  const file = await runMicro(await allTasks(), { rounds: 1, roundTimeMs: 5, filter: 'framing/chunk', processPerRound: false }, quiet);
  const one = { ...file, tasks: [{ ...file.tasks[0]!, nsPerOpSamples: [10], opsPerRound: [1000] }] };
  const two = { ...file, tasks: [{ ...file.tasks[0]!, nsPerOpSamples: [11, 12], opsPerRound: [2000, 3000] }], rounds: 2 };
  const pooled = mergeRecordings([one, two], ['one.json', 'two.json']);
  assert.ok('tasks' in pooled);
  assert.equal(pooled.rounds, 3);
  assert.deepEqual(pooled.tasks[0]!.nsPerOpSamples, [10, 11, 12]);
  assert.deepEqual(pooled.tasks[0]!.opsPerRound, [1000, 2000, 3000]);
  const first = firstRepeats(pooled, 2);
  assert.ok('tasks' in first);
  assert.deepEqual(first.tasks[0]!.nsPerOpSamples, [10, 11]);
  assert.throws(() => mergeRecordings([one, resultsFile(latencySeries('sse', [1]))], ['one.json', 'run.json']), /cannot merge run.json with one.json/);
});
