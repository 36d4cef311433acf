/**
 * The whole site as a reader meets it: built from small fixtures (three results files, a kaazing study, a
 * comparison), every page opened in Chromium at 1200 px and at 390 px: every chart drawn (pixels on its canvas), no
 * console error or warning, nothing off the site, no sideways scroll on a phone, every local link and anchor resolves.
 * The checker itself is shown to catch each kind of fault on a page broken on purpose.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright';
import { launchChromium } from '../harness/capture/browser.js';
import { compareFiles } from '../harness/compare/compare.js';
import { defaultPolicy } from '../harness/compare/policy.js';
import { packageRoot } from '../harness/paths.js';
import { writeReport, type SiteWritten } from '../reports/site.js';
import { latencySeries, resultsFile } from './compare-fixtures.js';
import { checkLinks, checkPage, checkSite } from './site-check.js';

const fixture = (name: string) => path.join(packageRoot, 'test', 'fixtures', name);

let browser: Browser;
let dir: string;
let site: SiteWritten;

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pushbench-site-'));
  const base = resultsFile([...latencySeries('sse', [10, 10.3, 9.9, 10.1, 10.2]), ...latencySeries('websocket', [5, 5.1, 4.9, 5.2, 5])], 'quick');
  const cand = resultsFile([...latencySeries('sse', [20, 20.6, 19.8, 20.2, 20.4]), ...latencySeries('websocket', [5, 5.1, 4.9, 5.2, 5])], 'quick', '2026-01-02T00:00:00.000Z');
  const comparison = compareFiles(base, cand, defaultPolicy(), { baseline: 'base.json', candidate: 'cand.json' });
  writeFileSync(path.join(dir, 'comparison.json'), JSON.stringify(comparison));
  site = await writeReport(
    [fixture('results-quick.json'), fixture('results-quick-small.json'), fixture('results-script.json'), fixture('kaazing-small.json'), path.join(dir, 'comparison.json')],
    path.join(dir, 'site'),
  );
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

test('every page of the site: charts drawn, no errors, no sideways scroll at 390 px, every local link resolves', async () => {
  const pages = await checkSite(browser, path.join(dir, 'site'));
  const names = pages.map((p) => p.page);
  assert.equal(names.length, 1 + site.runPaths.length + 2 + site.studyPaths.length + site.comparisonPaths.length);
  assert.equal(site.studyPaths.length, 1);
  assert.equal(site.comparisonPaths.length, 1);
  for (const p of [...site.runPaths, ...site.studyPaths, ...site.comparisonPaths]) assert.ok(names.includes(path.basename(p)), `${p} not in the site`);
  for (const p of pages) assert.deepEqual(p.problems, [], `${p.page}: ${p.problems.join('; ')}`);
  const charts = Object.fromEntries(pages.map((p) => [p.page, p.charts]));
  assert.equal(charts['index.html'], 2);
  assert.ok(charts[path.basename(site.studyPaths[0]!)]! >= 6);
  assert.ok(charts[path.basename(site.comparisonPaths[0]!)]! >= 1);
});

test('every chart has a permalink and a CSV file holding its table', async () => {
  const root = path.join(dir, 'site');
  for (const name of (await readdir(root)).filter((n) => n.endsWith('.html'))) {
    const html = readFileSync(path.join(root, name), 'utf8');
    const figures = [...html.matchAll(/<figure class="chart[^"]*" id="(fig-[^"]+)">/g)].map((m) => m[1]!);
    for (const id of figures) {
      assert.ok(html.includes(`href="#${id}"`), `${name}: no permalink to ${id}`);
      const csv = `data/${name.replace(/\.html$/, '')}-${id.slice(4)}.csv`;
      assert.ok(html.includes(`href="${csv}"`), `${name}: no CSV link for ${id}`);
      const text = readFileSync(path.join(root, csv), 'utf8');
      const header = html.slice(html.indexOf(`id="${id}"`)).match(/<thead><tr>(.*?)<\/tr><\/thead>/)![1]!;
      const firstColumn = header.match(/<th scope="col">(.*?)<\/th>/)![1]!.replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&quot;/g, '"');
      assert.ok(text.startsWith(firstColumn.includes(',') ? `"${firstColumn}"` : firstColumn), `${csv} does not start with its table's first column`);
    }
  }
});

test('the checker catches a blank chart, a console error, sideways scroll and broken links', async () => {
  const bad = path.join(dir, 'bad.html');
  writeFileSync(
    bad,
    `<!doctype html><html><head><meta name="viewport" content="width=device-width"></head><body>
<canvas id="chart-empty" width="100" height="100"></canvas>
<div style="width:2000px">wide</div>
<a href="missing.html">x</a> <a href="#nowhere">y</a> <a href="https://example.com/">z</a>
<script>console.error('boom')</script></body></html>`,
  );
  const page = await checkPage(browser, bad, { width: 390, height: 844 }, 'light');
  assert.ok(page.problems.includes('chart chart-empty is blank'), page.problems.join('; '));
  assert.ok(page.problems.some((p) => p.startsWith('console error: boom')), page.problems.join('; '));
  assert.ok(page.problems.some((p) => p.startsWith('scrolls sideways')), page.problems.join('; '));
  assert.deepEqual(checkLinks(bad), ['broken link: missing.html', 'broken anchor: #nowhere', 'link off the site: https://example.com/']);
});
