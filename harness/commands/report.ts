/**
 * `pushbench report [results.json ...] [--out DIR]` and `pushbench report --site DIR`: renders results files, kaazing
 * study files and comparison files into a static site.
 * With no files it renders every *.json in the results directory (what `npm run report` does after `npm run bench`);
 * with --site it builds the published site from the committed results (docs/results/, docs/scale-results/).
 * Prints the index path on stdout; problems with the input are one-line usage errors.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { UsageError, asUsageAsync } from '../errors.js';
import { formatHelp, parseOptions, wantsHelp, type OptionTable } from '../options.js';
import { packageRoot } from '../paths.js';
import { DEFAULTS } from '../run/scenario.js';
import { jsonFilesUnder } from '../../reports/load.js';
import { oneLine } from '../../results/read.js';
import { writeReport, type SiteWritten } from '../../reports/site.js';

/** Where the site goes when --out is not given (git-ignored). */
export const DEFAULT_REPORT_DIR = path.join('reports', 'out');
/** Where `pushbench run` writes results files by default. */
export const DEFAULT_RESULTS_DIR = DEFAULTS.outDir;
/** The committed results the published site is built from, relative to the package root. */
export const SITE_RESULTS_DIRS = [path.join('docs', 'results'), path.join('docs', 'scale-results')];

const USAGE = 'usage: pushbench report [results.json ...] [--out DIR] | pushbench report --site DIR';

export const summary = 'render results as a static HTML site: pushbench report [results.json ...] [--out DIR] | --site DIR';

export interface ReportArgs {
  files: string[];
  outDir: string;
  /** --site: build the published site from the committed results into outDir. */
  site: boolean;
  /** --include: with --site, directories of further results files. */
  include?: string[];
}

const OPTIONS: OptionTable = {
  '--out': { key: 'outDir', spec: { kind: 'string' }, help: 'directory of the site', value: 'DIR', default: DEFAULT_REPORT_DIR },
  '--site': { key: 'site', spec: { kind: 'string' }, help: `build the published site (for GitHub Pages) from every results file under ${SITE_RESULTS_DIRS.join(' and ')}, alone`, value: 'DIR' },
  '--include': {
    key: 'include',
    spec: { kind: 'string' },
    help: "with --site: every results file under DIR too (the CI adds main's history from the bench-data branch; repeatable)",
    value: 'DIR',
    multiple: true,
  },
};

export function help(): string {
  return formatHelp({
    usage: 'pushbench report [results.json ...] [--out DIR] | pushbench report --site DIR',
    description:
      "Writes a static site (the verdict, one page per results, study or comparison file, history per scenario, every chart's\n" +
      `data as CSV) to DIR; with no files, renders every *.json in ${DEFAULT_RESULTS_DIR}/.`,
    table: OPTIONS,
    examples: ['pushbench report', 'pushbench report results/*.json --out site', 'pushbench report --site site --include bench-data/history'],
  });
}

/** Parses the arguments after `report`; throws UsageError on anything it does not know. */
export function parseReportArgs(argv: string[]): ReportArgs {
  const { values, positionals: files } = parseOptions(OPTIONS, argv, 'report');
  const outDir = values.outDir as string | undefined;
  const siteDir = values.site as string | undefined;
  if (siteDir !== undefined && (files.length > 0 || outDir !== undefined)) {
    throw new UsageError(`--site DIR builds from the committed results into DIR; give it alone, or use files with --out: ${USAGE}`);
  }
  const include = values.include as string[] | undefined;
  if (include && siteDir === undefined) throw new UsageError(`--include adds results to --site DIR; without --site pass the files themselves: ${USAGE}`);
  return siteDir !== undefined
    ? { files, outDir: siteDir, site: true, ...(include ? { include } : {}) }
    : { files, outDir: outDir ?? DEFAULT_REPORT_DIR, site: false };
}

/** The results directory a bare `pushbench report` reads: the current directory's, else the package's. */
function resultsDirs(): string[] {
  return [...new Set([path.resolve(DEFAULT_RESULTS_DIR), path.join(packageRoot, DEFAULT_RESULTS_DIR)])];
}

/**
 * Rebuilds the site in `outDir` from every file in `resultsDir`, not its subdirectories (what `pushbench run` does
 * after writing its results, so the index and history keep every run, not only the last). Files the report does not
 * render are skipped.
 */
export async function reportResultsDir(resultsDir: string, outDir: string): Promise<SiteWritten> {
  const files = await jsonFilesUnder([resultsDir], false);
  return writeReport(files, outDir, { skipUnknown: true });
}

/** Runs the command; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  if (wantsHelp(argv)) {
    process.stdout.write(help());
    return 0;
  }
  const args = parseReportArgs(argv);
  let files = args.files;
  let skipUnknown = false;
  if (args.site) {
    const dirs = [...SITE_RESULTS_DIRS.map((d) => path.join(packageRoot, d)), ...(args.include ?? []).map((d) => path.resolve(d))];
    files = await jsonFilesUnder(dirs);
    if (files.length === 0) throw new UsageError(`no results files under ${SITE_RESULTS_DIRS.join(' or ')}; commit results there first: ${USAGE}`);
    skipUnknown = true;
  } else if (files.length === 0) {
    for (const dir of resultsDirs()) {
      if (files.length === 0 && existsSync(dir)) files = await jsonFilesUnder([dir]);
    }
    if (files.length === 0) throw new UsageError(`no results files in ${DEFAULT_RESULTS_DIR}/; run npm run bench first or pass results files: ${USAGE}`);
    skipUnknown = true;
  }
  // The results module's input and output-path errors are usage errors (exit 2), one line naming file and field.
  return asUsageAsync(async () => {
    const written = await writeReport(files, args.outDir, { skipUnknown, githubPages: args.site });
    for (const s of written.skipped) process.stderr.write(`report: skipped ${oneLine(s.file)}: ${oneLine(s.reason)}\n`);
    const n = (k: number, what: string) => `${k} ${what}${k === 1 ? '' : 's'}`;
    process.stderr.write(`report: ${n(written.runPaths.length, 'run page')}, ${n(written.studyPaths.length, 'study page')}, ${n(written.comparisonPaths.length, 'comparison page')} written\n`);
    process.stdout.write(`${path.resolve(written.indexPath)}\n`);
    return 0;
  });
}
