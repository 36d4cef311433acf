/**
 * Opens the generated report from file:// in Chromium: every chart is drawn with the data the builders computed,
 * every table says the same as its chart's JSON, nothing logs an error, and hostile text stays text.
 * Screenshots go to test-artifacts/ (git-ignored) for a person to look at.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright';
import { launchChromium } from '../harness/capture/browser.js';
import { packageRoot } from '../harness/paths.js';
import type { ResultsFile } from '../results/types.js';
import { historyCharts, runCharts, type ChartSpec } from '../reports/charts.js';
import { writeReport } from '../reports/site.js';

const fixtureFile = (name: string) => path.join(packageRoot, 'test', 'fixtures', `results-${name}.json`);
const load = (name: string) => JSON.parse(readFileSync(fixtureFile(name), 'utf8')) as ResultsFile;
const artifacts = path.join(packageRoot, 'test-artifacts');

let browser: Browser;
let dir: string;
let site: { indexPath: string; runPaths: string[] };
const quick = load('quick');
const small = load('quick-small');
const hostile = load('script');

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pushbench-pages-'));
  site = await writeReport([fixtureFile('quick'), fixtureFile('quick-small'), fixtureFile('script')], dir);
  await mkdir(artifacts, { recursive: true });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

interface Opened {
  page: Page;
  problems: string[];
  close(): Promise<void>;
}

/** Opens a page of the site; console errors, page errors, dialogs and non-file requests are collected as problems. */
async function open(file: string, viewport = { width: 1200, height: 900 }, colorScheme: 'light' | 'dark' = 'light'): Promise<Opened> {
  const context = await browser.newContext({ viewport, colorScheme });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on('request', (r) => {
    if (!r.url().startsWith('file://') && !r.url().startsWith('data:')) problems.push(`request off the site: ${r.url()}`);
  });
  await page.goto(pathToFileURL(file).href);
  return { page, problems, close: () => context.close() };
}

/** What each canvas's Chart.js instance holds, and every figure's table text, read from the page. */
async function readFigures(page: Page) {
  return page.evaluate(() => {
    const chartGlobal = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { data: unknown } | undefined } }).Chart;
    return Array.from(document.querySelectorAll('figure.chart')).map((fig) => {
      const canvas = fig.querySelector('canvas')!;
      const chart = chartGlobal.getChart(canvas);
      const table = fig.querySelector('table')!;
      return {
        id: canvas.dataset.chart!,
        drawn: chart !== undefined && canvas.width > 0 && canvas.height > 0,
        data: chart ? JSON.parse(JSON.stringify(chart.data)) : null,
        columns: Array.from(table.querySelectorAll('thead th')).map((c) => c.textContent),
        rows: Array.from(table.querySelectorAll('tbody tr')).map((tr) => Array.from(tr.children).map((c) => c.textContent)),
      };
    });
  });
}

function assertFiguresMatch(figures: Awaited<ReturnType<typeof readFigures>>, specs: ChartSpec[]): void {
  assert.deepEqual(figures.map((f) => f.id), specs.map((s) => s.id));
  for (const [i, fig] of figures.entries()) {
    const spec = specs[i]!;
    assert.ok(fig.drawn, `${spec.id} was not drawn`);
    assert.deepEqual(fig.data, JSON.parse(JSON.stringify(spec.config.data)), `${spec.id}: chart data differs from the builder's`);
    assert.deepEqual(fig.columns, spec.table.columns, `${spec.id}: table columns`);
    assert.deepEqual(fig.rows, spec.table.rows, `${spec.id}: table rows`);
  }
}

test('run page: every chart drawn with the builder data, tables equal to the JSON, no errors', async () => {
  const o = await open(site.runPaths[0]!);
  try {
    assertFiguresMatch(await readFigures(o.page), runCharts(quick, [quick, small, hostile]));
    assert.deepEqual(await o.page.$$eval('section h2', (hs) => hs.map((h) => h.textContent)), ['Runs', 'Overhead per message', 'Traffic against clients', 'Latency', 'Server cost', 'Environment']);
    await o.page.screenshot({ path: path.join(artifacts, 'report-run.png'), fullPage: true });
    assert.deepEqual(o.problems, []);
  } finally {
    await o.close();
  }
});

test('run page at phone width in dark mode: nothing overflows sideways', async () => {
  const o = await open(site.runPaths[0]!, { width: 390, height: 844 }, 'dark');
  try {
    const { scrollWidth, innerWidth, bg } = await o.page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      bg: getComputedStyle(document.body).backgroundColor,
    }));
    assert.ok(scrollWidth <= innerWidth, `page is ${scrollWidth}px wide in a ${innerWidth}px viewport`);
    assert.equal(bg, 'rgb(20, 23, 28)');
    await o.page.screenshot({ path: path.join(artifacts, 'report-run-phone-dark.png'), fullPage: true });
    assert.deepEqual(o.problems, []);
  } finally {
    await o.close();
  }
});

test('history page: one chart per metric, matching the builders', async () => {
  const o = await open(path.join(dir, 'history-quick.html'), { width: 1200, height: 900 }, 'dark');
  try {
    assertFiguresMatch(await readFigures(o.page), historyCharts([quick, small]));
    await o.page.screenshot({ path: path.join(artifacts, 'report-history.png'), fullPage: true });
    assert.deepEqual(o.problems, []);
  } finally {
    await o.close();
  }
});

test('index lists every run with scenario, date, commit and machine, and its links resolve', async () => {
  const o = await open(site.indexPath);
  try {
    const rows = await o.page.$$eval('#runs tbody tr', (trs) => trs.map((tr) => Array.from(tr.children).map((c) => c.textContent)));
    const newestFirst = [quick, hostile, small];
    assert.deepEqual(rows.map((r) => r[1]), newestFirst.map((r) => r.startedAt));
    assert.deepEqual(rows.map((r) => r[2]), newestFirst.map((r) => r.environment.commit!.slice(0, 12)));
    assert.ok(rows[0]![0]!.startsWith('quick'));
    assert.ok(rows[0]![3]!.startsWith(quick.environment.cpuModel));
    const hrefs = await o.page.$$eval('a', (as) => as.map((a) => (a as HTMLAnchorElement).href));
    for (const p of site.runPaths) assert.ok(hrefs.includes(pathToFileURL(p).href), `index does not link ${p}`);
    await o.page.screenshot({ path: path.join(artifacts, 'report-index.png'), fullPage: true });
    assert.deepEqual(o.problems, []);
  } finally {
    await o.close();
  }
});

test('hostile text in a results file renders as text and runs nothing', async () => {
  for (const file of [site.runPaths[2]!, site.indexPath, path.join(dir, 'history-script-script-window-pwned-1-script.html')]) {
    const o = await open(file);
    try {
      const state = await o.page.evaluate(() => ({
        pwned: (window as unknown as { __pwned?: number }).__pwned,
        scripts: Array.from(document.scripts).map((s) => s.getAttribute('src') ?? s.type),
        images: document.images.length,
        title: document.querySelector('h1')!.textContent,
      }));
      assert.equal(state.pwned, undefined);
      assert.equal(state.images, 0);
      assert.ok(state.scripts.every((s) => s === 'application/json' || s === 'assets/chart.umd.min.js' || s === 'assets/report.js'), JSON.stringify(state.scripts));
      if (file === site.runPaths[2]) {
        assert.equal(state.title, `pushbench: ${hostile.scenario}`);
        const error = await o.page.$eval('.error pre', (e) => e.textContent);
        assert.equal(error, (hostile.runs[2] as { error: string }).error);
        assertFiguresMatch(await readFigures(o.page), runCharts(hostile, [quick, small, hostile]));
        assert.equal(await o.page.$$eval('#errors ~ section canvas', (c) => c.length), 6);
        await o.page.screenshot({ path: path.join(artifacts, 'report-hostile.png'), fullPage: true });
      }
      assert.deepEqual(o.problems, []);
    } finally {
      await o.close();
    }
  }
});

test('a run whose transports all errored shows the errors and no charts', async () => {
  const errored = { ...quick, scenario: 'broken', runs: quick.runs.map((r) => ({ ...r, state: 'errored', error: `${r.transport} could not bind: EADDRINUSE` })) };
  const file = path.join(dir, 'errored.json');
  const { writeFile } = await import('node:fs/promises');
  await writeFile(file, JSON.stringify(errored));
  const out = await writeReport([file], path.join(dir, 'errored-site'));
  const o = await open(out.runPaths[0]!);
  try {
    assert.equal(await o.page.$$eval('canvas', (c) => c.length), 0);
    assert.deepEqual(await o.page.$$eval('.error pre', (es) => es.map((e) => e.textContent)), errored.runs.map((r) => r.error));
    assert.deepEqual(o.problems, []);
  } finally {
    await o.close();
  }
});
