/**
 * End to end at small scale: a real run of two transports, watched live on the dashboard, then rendered as a
 * report whose pages hold exactly what the chart builders compute from the run's results file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startDashboard } from '../dashboards/server.js';
import { launchChromium } from '../harness/capture/browser.js';
import { packageRoot } from '../harness/paths.js';
import { writeResults } from '../results/io.js';
import { runScenario } from '../harness/run/runner.js';
import { DEFAULTS } from '../harness/run/scenario.js';
import type { LiveSample, ResultsFile, RunOptions } from '../results/types.js';
import { runCharts } from '../reports/charts.js';
import { writeReport } from '../reports/site.js';

test('a real 20-client run of sse and websocket renders its report and feeds the live dashboard', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'pushbench-real-'));
  const dashboard = await startDashboard({ port: 0 });
  const browser = await launchChromium();
  try {
    const live = await browser.newPage();
    await live.goto(dashboard.url);
    const options: RunOptions = {
      ...DEFAULTS, scenario: 'report-real-run', transports: ['sse', 'websocket'], clients: 20, rate: 5, durationS: 2,
      drainTimeoutMs: 3000, outDir: dir, jsonFile: path.join(dir, 'results.json'),
    };
    const samples: LiveSample[] = [];
    const results = await runScenario(options, {
      onSample: (s) => {
        samples.push(s);
        dashboard.publish(s);
      },
    });
    writeResults(results, options.jsonFile!);
    assert.deepEqual(results.runs.map((r) => [r.transport, r.state]), [['sse', 'completed'], ['websocket', 'completed']]);

    const last = samples.at(-1)!;
    await live.waitForFunction((n) => document.getElementById('status')!.textContent!.startsWith(`${n} sample`), samples.length);
    assert.equal(await live.$eval('#v-transport', (e) => e.textContent), last.transport);
    assert.equal(await live.$eval('#v-phase', (e) => e.textContent), last.phase);

    const stored = JSON.parse(await readFile(options.jsonFile!, 'utf8')) as ResultsFile;
    const site = await writeReport([options.jsonFile!], path.join(dir, 'site'));
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(pathToFileURL(site.runPaths[0]!).href);
    const figures = await page.evaluate(() => {
      const chart = (window as unknown as { Chart: { getChart(c: Element): { data: unknown } | undefined } }).Chart;
      return Array.from(document.querySelectorAll('figure.chart')).map((fig) => ({
        id: fig.querySelector('canvas')!.getAttribute('data-chart'),
        data: JSON.parse(JSON.stringify(chart.getChart(fig.querySelector('canvas')!)?.data ?? null)),
        rows: Array.from(fig.querySelectorAll('tbody tr')).map((tr) => Array.from(tr.children).map((c) => c.textContent)),
      }));
    });
    const specs = runCharts(stored, [stored]);
    assert.deepEqual(figures.map((f) => f.id), ['overhead', 'bits-per-second', 'latency', 'latency-over-time', 'server-cpu', 'server-memory']);
    for (const [i, f] of figures.entries()) {
      assert.deepEqual(f.data, JSON.parse(JSON.stringify(specs[i]!.config.data)));
      assert.deepEqual(f.rows, specs[i]!.table.rows);
    }
    // The latency chart has a point at every percentile for both transports: the histograms decoded.
    const latency = figures.find((f) => f.id === 'latency')!.data as { datasets: Array<{ data: Array<number | null> }> };
    for (const ds of latency.datasets) assert.ok(ds.data.every((v) => typeof v === 'number' && v > 0));
    // Latency by publish time: a mean and a max line per transport, a point for every published second.
    const overTime = figures.find((f) => f.id === 'latency-over-time')!.data as { datasets: Array<{ label: string; data: Array<number | null> }> };
    assert.equal(overTime.datasets.length, 4);
    for (const ds of overTime.datasets) assert.ok(ds.data.length > 0 && ds.data.every((v) => typeof v === 'number' && v > 0), ds.label);
    await mkdir(path.join(packageRoot, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: path.join(packageRoot, 'test-artifacts', 'report-real-run.png'), fullPage: true });
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    await dashboard.close();
    await rm(dir, { recursive: true, force: true });
  }
});
