/**
 * `pushbench compare --html DIR`: the verdict as a page a pull request can carry as an artifact: baseline against
 * candidate per metric with the verdict and its statistics, and every repeat of both sides drawn.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main as compareMain } from '../harness/commands/compare.js';
import type { ComparisonFile } from '../harness/compare/types.js';
import { UsageError } from '../harness/errors.js';
import { comparisonCharts } from '../reports/comparison.js';
import { latencySeries, resultsFile } from './compare-fixtures.js';

/** Runs the command with its stdout table kept out of the test output (the runner's own lines pass). */
async function quiet<T>(fn: () => Promise<T>): Promise<T> {
  const write = process.stdout.write;
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) =>
    typeof chunk === 'string' && (chunk.startsWith('baseline:') || chunk.includes('verdict:')) ? true : (write as (...a: unknown[]) => boolean).call(process.stdout, chunk, ...rest)) as typeof process.stdout.write;
  try {
    return await fn();
  } finally {
    process.stdout.write = write;
  }
}

test('compare --html writes the verdict, every metric with its statistics, and every repeat', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pushbench-compare-html-'));
  try {
    const base = [10, 10.3, 9.9, 10.1, 10.2];
    const cand = [20, 20.6, 19.8, 20.2, 20.4];
    writeFileSync(path.join(dir, 'base.json'), JSON.stringify(resultsFile(latencySeries('sse', base), 'quick')));
    writeFileSync(path.join(dir, 'cand.json'), JSON.stringify(resultsFile(latencySeries('sse', cand), 'quick')));
    const out = path.join(dir, 'html');
    const code = await quiet(() => compareMain([path.join(dir, 'base.json'), path.join(dir, 'cand.json'), '--html', out, '--json', path.join(dir, 'c.json')]));
    assert.equal(code, 1);
    const html = readFileSync(path.join(out, 'index.html'), 'utf8');
    const json = JSON.parse(readFileSync(path.join(dir, 'c.json'), 'utf8')) as ComparisonFile;
    assert.ok(html.includes('<p class="verdict fail" role="status"><strong>Fails:</strong> 1 failing (1 regression, 0 changed, 0 errored)'));
    const p50 = json.comparisons.find((c) => c.metric === 'latencyMs.p50')!;
    assert.equal(p50.verdict, 'regression');
    // Its row comes first, with both medians, the change, the interval and the p-value.
    const firstRow = html.slice(html.indexOf('<tbody>', html.indexOf('Every metric'))).split('</tr>')[0]!;
    assert.ok(firstRow.includes('latency p50') && firstRow.includes('regression') && firstRow.includes('n=5'), firstRow);
    assert.ok(firstRow.includes(p50.pValue! < 0.001 ? '&lt;0.001' : p50.pValue!.toFixed(3)));
    assert.ok(html.includes('Mann-Whitney') && html.includes(`${json.policy.bootstrapResamples.toLocaleString('en-US')} resamples`));
    const charts = comparisonCharts(json);
    assert.equal(charts[0]!.id, 'metric-latencyms-p50');
    const [b, c] = charts[0]!.config.data.datasets;
    assert.deepEqual(b!.data.map((p) => (p as { y: number }).y), base);
    assert.deepEqual(c!.data.map((p) => (p as { y: number }).y), cand);
    for (const chart of charts) assert.ok(existsSync(path.join(out, 'data', `index-${chart.id}.csv`)), chart.id);
    assert.deepEqual(readdirSync(path.join(out, 'assets')).sort(), ['chart.umd.min.js', 'report.css', 'report.js']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('compare --html into a path that cannot be a directory is a usage error', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pushbench-compare-html-'));
  try {
    writeFileSync(path.join(dir, 'base.json'), JSON.stringify(resultsFile(latencySeries('sse', [1, 1, 1, 1]), 'quick')));
    writeFileSync(path.join(dir, 'file'), 'x');
    await assert.rejects(
      quiet(() => compareMain([path.join(dir, 'base.json'), path.join(dir, 'base.json'), '--html', path.join(dir, 'file', 'sub')])),
      (e: Error) => e instanceof UsageError && /cannot write --html/.test(e.message),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
