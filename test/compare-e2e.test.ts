/**
 * End to end at small scale: real servers and clients, then compare. Checks the direction of a verdict only,
 * with an injected cost so large (5 ms per message written) that no amount of machine noise can hide it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareFiles } from '../harness/compare/compare.js';
import { defaultPolicy } from '../harness/compare/policy.js';
import { runScenario } from '../harness/run/runner.js';
import { parseRunArgs } from '../harness/run/scenario.js';
import type { ResultsFile } from '../results/types.js';

async function run(extra: string[]): Promise<ResultsFile> {
  const { options } = parseRunArgs([
    'quick', '--transports', 'websocket', '--clients', '5', '--rate', '10', '--duration', '1', '--repeat', '4', '--no-report', ...extra,
  ]);
  return runScenario(options);
}

test('an injected server cost is a regression; wire bytes are untouched by it', { timeout: 120_000 }, async () => {
  const base = await run([]);
  const slow = await run(['--inject-server-cost-us', '5000']);
  assert.equal(base.runs.length, 4);
  assert.ok(base.runs.every((r) => r.state === 'completed'));

  // A/A on the same file: nothing may fail, and every statistical metric sits at exactly no change. A memory figure
  // within the noise of RSS is null in some repeats, and a metric left with too few repeats is withheld, not judged.
  const same = compareFiles(base, base, defaultPolicy());
  assert.equal(same.summary.exitCode, 0);
  const judged = same.comparisons.filter((r) => r.verdict !== 'insufficient-samples');
  assert.ok(judged.every((r) => r.verdict === 'unchanged'), JSON.stringify(judged.filter((r) => r.verdict !== 'unchanged')));
  assert.ok(same.comparisons.filter((r) => r.verdict === 'insufficient-samples').every((r) => r.metric.includes('memory') || r.metric.includes('Rss') || r.metric.includes('rss')), 'only memory may lack samples');
  assert.equal(same.comparisons.find((r) => r.metric === 'server.cpuSecondsPerMessage')!.verdict, 'unchanged');

  const out = compareFiles(base, slow, defaultPolicy());
  const cpu = out.comparisons.find((r) => r.metric === 'server.cpuSecondsPerMessage')!;
  assert.equal(cpu.verdict, 'regression', JSON.stringify(cpu));
  assert.ok(cpu.relativeChange! > 1, `CPU per message grew by ${cpu.relativeChange}`);
  assert.equal(out.summary.exitCode, 1);
  for (const metric of ['wire.setup.c2sBytes', 'wire.setup.s2cBytes', 'wire.perMessage.s2cOverheadBytes', 'messages.lost']) {
    assert.equal(out.comparisons.find((r) => r.metric === metric)!.verdict, 'unchanged', metric);
  }
  assert.ok(out.summary.warnings.some((w) => w.startsWith('test-only injected server cost differs')));
});
