/**
 * `pushbench report [results.json ...] [--out DIR]`: renders results files into a static site.
 * With no files it renders the newest results/*.json (what `npm run report` does after `npm run bench`).
 * Prints the index path on stdout; problems with the input are one-line usage errors.
 */
import path from 'node:path';
import { UsageError, asUsageAsync } from '../errors.js';
import { packageRoot } from '../paths.js';
import { DEFAULTS } from '../run/scenario.js';
import { loadResults, newestResultsFile } from '../../reports/load.js';
import { writeReport } from '../../reports/site.js';
import { prepareOutputDir } from '../../results/io.js';

/** Where the site goes when --out is not given (git-ignored). */
export const DEFAULT_REPORT_DIR = path.join('reports', 'out');
/** Where `pushbench run` writes results files by default. */
/** Where `pushbench run` writes results by default. */
export const DEFAULT_RESULTS_DIR = DEFAULTS.outDir;

const USAGE = 'usage: pushbench report [results.json ...] [--out DIR]';

export const summary = 'render results files as a static HTML site: pushbench report [results.json ...] [--out DIR]';

export interface ReportArgs {
  files: string[];
  outDir: string;
}

/** Parses the arguments after `report`; throws UsageError on anything it does not know. */
export function parseReportArgs(argv: string[]): ReportArgs {
  const files: string[] = [];
  let outDir: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--out' || arg.startsWith('--out=')) {
      const value = arg === '--out' ? argv[++i] : arg.slice('--out='.length);
      if (!value) throw new UsageError(`--out needs a directory; ${USAGE}`);
      outDir = value;
    } else if (arg.startsWith('-')) {
      throw new UsageError(`unknown option ${arg}; ${USAGE}`);
    } else {
      files.push(arg);
    }
  }
  return { files, outDir: outDir ?? DEFAULT_REPORT_DIR };
}

/** Runs the command; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n\nWrites a static site (index, one page per results file, history per scenario) to DIR\n(default ${DEFAULT_REPORT_DIR}); with no files, renders the newest ${DEFAULT_RESULTS_DIR}/*.json.\n`);
    return 0;
  }
  const args = parseReportArgs(argv);
  let files = args.files;
  if (files.length === 0) {
    const dirs = [path.resolve(DEFAULT_RESULTS_DIR), path.join(packageRoot, DEFAULT_RESULTS_DIR)];
    let newest: string | null = null;
    for (const dir of dirs) if (!newest) newest = await newestResultsFile(dir);
    if (!newest) throw new UsageError(`no results files in ${DEFAULT_RESULTS_DIR}/; run npm run bench first or pass results files: ${USAGE}`);
    files = [newest];
  }
  return asUsageAsync(async () => {
    // Inputs first (nothing is written for a bad file), then the output folder is created and test-written before
    // the site is built in a temporary folder and moved into place.
    for (const file of files) await loadResults(file);
    prepareOutputDir(args.outDir, '--out');
    const { indexPath, runPaths } = await writeReport(files, args.outDir);
    process.stderr.write(`report: ${runPaths.length} run page${runPaths.length === 1 ? '' : 's'} written\n`);
    process.stdout.write(`${path.resolve(indexPath)}\n`);
    return 0;
  });
}
