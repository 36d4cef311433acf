/**
 * Writes the static report site: index.html, one page per results file, one history page per scenario, and
 * assets/ (Chart.js copied from node_modules, the page script, the stylesheet). No server, no CDN: the site
 * works from file:// and from any static host. The whole site is built in a temporary folder and then moved into
 * place (results/io.ts writeDirAtomic), so a failure or Ctrl-C never leaves half a site or a temp file behind.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResultsFile } from '../results/types.js';
import { historyCharts, runCharts } from './charts.js';
import { slug } from './format.js';
import { loadResults, ReportInputError } from './load.js';
import { writeDirAtomic } from '../results/io.js';
import { historyPageHtml, indexPageHtml, runPageHtml } from './pages.js';
import { REPORT_CSS } from './style.js';

/** Chart.js's browser build, resolved from the package the report depends on. */
export function chartJsPath(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js');
}

/** The compiled page script (reports/client/render.ts). */
function renderScriptPath(): string {
  return fileURLToPath(new URL('./client/render.js', import.meta.url));
}

/**
 * The compiled page script as a classic script. In this ESM package tsc marks every file a module and appends
 * `export {}`, which a classic <script> rejects (module scripts do not load from file://). The source map is not
 * copied, so its reference would only make the browser ask for a missing file.
 */
export function classicScript(compiled: string): string {
  return compiled.replace(/^export \{\};?[ \t]*$/m, '').replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
}

/** File name of a results file's page: scenario and start time, made unique within one site. */
export function runPageName(results: ResultsFile, taken: Set<string>): string {
  const base = `run-${slug(results.scenario)}-${slug(results.startedAt)}`;
  let name = `${base}.html`;
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}.html`;
  taken.add(name);
  return name;
}

/**
 * Renders results files into a static site in `outDir` (created if missing; other files there are left alone).
 * Throws ReportInputError for a missing or malformed results file, before anything is written.
 */
export async function writeReport(resultsFiles: string[], outDir: string): Promise<{ indexPath: string; runPaths: string[] }> {
  if (resultsFiles.length === 0) throw new ReportInputError('no results files given; pass one or more results/*.json written by pushbench run');
  const loaded = [];
  for (const file of resultsFiles) loaded.push(await loadResults(file));
  const all = loaded.map((l) => l.results);

  const chartJs = await readFile(chartJsPath());
  const script = classicScript(await readFile(renderScriptPath(), 'utf8'));
  const runPaths: string[] = [];
  await writeDirAtomic(outDir, async (dir) => {
    runPaths.push(...(await buildSite(all, chartJs, script, dir)).map((name) => path.join(outDir, name)));
  });
  return { indexPath: path.join(outDir, 'index.html'), runPaths };
}

/** Writes every file of the site into `outDir` (a fresh temporary folder); returns the run pages' names. */
async function buildSite(all: ResultsFile[], chartJs: Buffer, script: string, outDir: string): Promise<string[]> {
  const write = (file: string, data: string | Buffer): Promise<void> => writeFile(file, data);
  await mkdir(path.join(outDir, 'assets'), { recursive: true });
  await write(path.join(outDir, 'assets', 'chart.umd.min.js'), chartJs);
  await write(path.join(outDir, 'assets', 'report.js'), script);
  await write(path.join(outDir, 'assets', 'report.css'), REPORT_CSS);

  const scenarios = new Map<string, ResultsFile[]>();
  for (const r of all) scenarios.set(r.scenario, [...(scenarios.get(r.scenario) ?? []), r]);
  const historyNames = new Map<string, string>();
  const takenHistory = new Set<string>();
  for (const scenario of scenarios.keys()) {
    let name = `history-${slug(scenario)}.html`;
    for (let i = 2; takenHistory.has(name); i++) name = `history-${slug(scenario)}-${i}.html`;
    takenHistory.add(name);
    historyNames.set(scenario, name);
  }

  const taken = new Set<string>();
  const runPaths: string[] = [];
  const entries = [];
  for (const results of all) {
    const name = runPageName(results, taken);
    const historyHref = historyNames.get(results.scenario)!;
    const nav = [{ href: 'index.html', text: 'All runs' }, { href: historyHref, text: `History of ${results.scenario}` }];
    const file = path.join(outDir, name);
    await write(file, runPageHtml(results, runCharts(results, all), nav));
    runPaths.push(name);
    entries.push({ results, href: name, historyHref });
  }
  for (const [scenario, series] of scenarios) {
    const nav = [{ href: 'index.html', text: 'All runs' }];
    await write(path.join(outDir, historyNames.get(scenario)!), historyPageHtml(scenario, series.length, historyCharts(series), nav));
  }
  const indexPath = path.join(outDir, 'index.html');
  const histories = [...scenarios].map(([scenario, series]) => ({ scenario, href: historyNames.get(scenario)!, runs: series.length }));
  await write(indexPath, indexPageHtml(entries, histories));
  return runPaths;
}
