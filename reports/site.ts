/**
 * Writes the static report site: index.html (the verdict, then the studies, the runs and the history), one page
 * per results file, per kaazing study and per comparison, one history page per scenario, data/ (every chart's
 * numbers as CSV) and assets/ (Chart.js copied from node_modules, the page script, the stylesheet). No server, no CDN: the site
 * works from file:// and from any static host. The whole site is built in a temporary folder and moved into place
 * (results/io.ts writeDirAtomic): a failure or Ctrl-C never leaves half a site or a temp file behind.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ComparisonFile } from '../results/comparison.js';
import { prepareOutputDir, writeDirAtomic } from '../results/io.js';
import type { ResultsFile } from '../results/types.js';
import { historyCharts, runCharts, type ChartSpec } from './charts.js';
import { comparisonCharts, comparisonHeadline, comparisonPageHtml, comparisonPageName } from './comparison.js';
import { slug } from './format.js';
import { loadReportInput, ReportInputError, type ReportInput } from './load.js';
import { csvHref, historyPageHtml, indexPageHtml, runPageHtml, tableCsv, type IndexEntry, type StudyLink } from './pages.js';
import { studyCharts, studyPageHtml } from './study.js';
import { latestByProtocol } from './kaazing-2026.js';
import { REPORT_CSS } from './style.js';
import { verdictSeries, verdictCostChart, verdictOverheadChart, verdictSentences } from './verdict.js';

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

/** What a site was built from and where its pages are. */
export interface SiteWritten {
  indexPath: string;
  runPaths: string[];
  studyPaths: string[];
  comparisonPaths: string[];
  /** Files given with skipUnknown that are not something the report renders, with the reason. */
  skipped: Array<{ file: string; reason: string }>;
}

export interface SiteOptions {
  /** Skip files that are not results, studies or comparisons (a directory scan) instead of failing on them. */
  skipUnknown?: boolean;
  /** Add what GitHub Pages needs (.nojekyll, so files and folders starting with _ are served as they are). */
  githubPages?: boolean;
}

/** A page to write: its file name, its HTML, and the charts whose data goes out as CSV. */
interface PageOut {
  name: string;
  html: string;
  charts: ChartSpec[];
}

/**
 * Renders results files, kaazing study files and comparison files into a static site in `outDir` (created if
 * missing; other files there are left alone): the index with the verdict, one page per file, one history page per
 * scenario. Throws ReportInputError for a missing or malformed file, before anything is written.
 */
export async function writeReport(files: string[], outDir: string, options: SiteOptions = {}): Promise<SiteWritten> {
  if (files.length === 0) throw new ReportInputError('no results files given; pass one or more results/*.json written by pushbench run');
  const inputs: ReportInput[] = [];
  const skipped: SiteWritten['skipped'] = [];
  for (const file of files) {
    try {
      inputs.push(await loadReportInput(file));
    } catch (e) {
      if (!(options.skipUnknown && e instanceof ReportInputError)) throw e;
      skipped.push({ file, reason: e.message });
    }
  }
  const all = inputs.flatMap((i) => (i.kind === 'results' ? [i.results] : []));
  const studies = inputs.flatMap((i) => (i.kind === 'study' ? [i] : []));
  const comparisons = inputs.flatMap((i) => (i.kind === 'comparison' ? [i] : []));
  if (all.length + studies.length + comparisons.length === 0) {
    throw new ReportInputError(`none of the ${files.length} file(s) is a pushbench results, study or comparison file (${skipped[0]?.reason ?? ''})`);
  }

  // Inputs first (nothing is written for a bad file), then the folder is created and test-written.
  prepareOutputDir(outDir, '--out');
  const chartJs = await readFile(chartJsPath());
  const script = classicScript(await readFile(renderScriptPath(), 'utf8'));

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
  const home = { href: 'index.html', text: 'All results' };

  const pages: PageOut[] = [];
  const taken = new Set<string>();
  const entries: IndexEntry[] = [];
  for (const results of all) {
    const name = runPageName(results, taken);
    const historyHref = historyNames.get(results.scenario)!;
    const nav = [home, { href: historyHref, text: `History of ${results.scenario}` }];
    const charts = runCharts(results, all);
    pages.push({ name, html: runPageHtml(results, charts, nav, name), charts });
    entries.push({ results, href: name, historyHref });
  }
  for (const [scenario, series] of scenarios) {
    const name = historyNames.get(scenario)!;
    const charts = historyCharts(series);
    pages.push({ name, html: historyPageHtml(scenario, series.length, charts, [home], name), charts });
  }
  const studyLinks: StudyLink[] = [];
  for (const s of [...studies].sort((a, b) => (a.study.startedAt < b.study.startedAt ? 1 : -1))) {
    let name = `study-kaazing-${slug(s.study.startedAt)}.html`;
    for (let i = 2; taken.has(name); i++) name = `study-kaazing-${slug(s.study.startedAt)}-${i}.html`;
    taken.add(name);
    const charts = studyCharts(s.study, latestByProtocol(all));
    pages.push({ name, html: studyPageHtml(s.study, charts, [home], name), charts });
    const a = s.study.article;
    studyLinks.push({ href: name, title: `The ${a.pollOverheadBytes}-bytes-vs-${a.websocketFrameBytes} table, measured`, when: s.study.startedAt, what: `websocket.org’s overhead figure and latency claim, ${s.study.profiles.length} header profiles` });
  }
  for (const c of comparisons) {
    let name = comparisonPageName(c.comparison);
    for (let i = 2; taken.has(name); i++) name = comparisonPageName(c.comparison).replace(/\.html$/, `-${i}.html`);
    taken.add(name);
    const charts = comparisonCharts(c.comparison);
    pages.push({ name, html: comparisonPageHtml(c.comparison, charts, [home], name), charts });
    studyLinks.push({ href: name, title: `Comparison: ${c.comparison.candidate.scenario}`, when: c.comparison.candidate.startedAt, what: comparisonHeadline(c.comparison) });
  }
  const histories = [...scenarios].map(([scenario, series]) => ({ scenario, href: historyNames.get(scenario)!, runs: series.length }));
  const series = verdictSeries(all);
  const verdictCharts = series.length ? [verdictOverheadChart(series), verdictCostChart(series)] : [];
  pages.push({ name: 'index.html', html: indexPageHtml(entries, histories, { charts: verdictCharts, sentences: verdictSentences(all, studies.map((x) => x.study)), studies: studyLinks }), charts: verdictCharts });

  // Built whole in a temporary folder and moved into place: an error or Ctrl-C leaves the old site, never half one.
  await writeDirAtomic(outDir, async (dir) => {
    await mkdir(path.join(dir, 'assets'), { recursive: true });
    await mkdir(path.join(dir, 'data'), { recursive: true });
    await writeFile(path.join(dir, 'assets', 'chart.umd.min.js'), chartJs);
    await writeFile(path.join(dir, 'assets', 'report.js'), script);
    await writeFile(path.join(dir, 'assets', 'report.css'), REPORT_CSS);
    if (options.githubPages) await writeFile(path.join(dir, '.nojekyll'), '');
    for (const page of pages) {
      await writeFile(path.join(dir, page.name), page.html);
      for (const chart of page.charts) await writeFile(path.join(dir, csvHref(page.name, chart.id)), tableCsv(chart.table));
    }
  });
  const at = (names: string[]) => names.map((n) => path.join(outDir, n));
  return {
    indexPath: path.join(outDir, 'index.html'),
    runPaths: at(entries.map((e) => e.href)),
    studyPaths: at(studyLinks.filter((l) => l.href.startsWith('study-')).map((l) => l.href)),
    comparisonPaths: at(studyLinks.filter((l) => l.href.startsWith('compare-')).map((l) => l.href)),
    skipped,
  };
}

/**
 * Writes one comparison as a self-contained site in `outDir` (`pushbench compare --html DIR`): index.html is the
 * comparison page, with assets/ and data/ beside it, so the folder can be uploaded as a pull-request artifact.
 */
export async function writeComparisonSite(comparison: ComparisonFile, outDir: string): Promise<string> {
  const chartJs = await readFile(chartJsPath());
  const script = classicScript(await readFile(renderScriptPath(), 'utf8'));
  const charts = comparisonCharts(comparison);
  const html = comparisonPageHtml(comparison, charts, [], 'index.html');
  await writeDirAtomic(outDir, async (dir) => {
    await mkdir(path.join(dir, 'assets'), { recursive: true });
    await mkdir(path.join(dir, 'data'), { recursive: true });
    await writeFile(path.join(dir, 'assets', 'chart.umd.min.js'), chartJs);
    await writeFile(path.join(dir, 'assets', 'report.js'), script);
    await writeFile(path.join(dir, 'assets', 'report.css'), REPORT_CSS);
    for (const chart of charts) await writeFile(path.join(dir, csvHref('index.html', chart.id)), tableCsv(chart.table));
    await writeFile(path.join(dir, 'index.html'), html);
  });
  const index = path.join(outDir, 'index.html');
  return index;
}
