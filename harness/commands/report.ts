/**
 * `pushbench report [results.json ...] [--out DIR]`: renders results files into a static site.
 * With no files it renders the newest results/*.json (what `npm run report` does after `npm run bench`).
 * Prints the index path on stdout; problems with the input are one-line usage errors.
 */
import path from 'node:path';
import { UsageError } from '../errors.js';
import { formatHelp, parseOptions, wantsHelp, type OptionTable } from '../options.js';
import { packageRoot } from '../paths.js';
import { DEFAULTS } from '../run/scenario.js';
import { newestResultsFile, ReportInputError } from '../../reports/load.js';
import { writeReport } from '../../reports/site.js';

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

const OPTIONS: OptionTable = {
  '--out': { key: 'outDir', spec: { kind: 'string' }, help: 'directory of the site', value: 'DIR', default: DEFAULT_REPORT_DIR },
};

export function help(): string {
  return formatHelp({
    usage: 'pushbench report [results.json ...] [options]',
    description: `Writes a static site (index, one page per results file, history per scenario) to DIR;\nwith no files, renders the newest ${DEFAULT_RESULTS_DIR}/*.json.`,
    table: OPTIONS,
    examples: ['pushbench report', 'pushbench report results/*.json --out site'],
  });
}

/** Parses the arguments after `report`; throws UsageError on anything it does not know. */
export function parseReportArgs(argv: string[]): ReportArgs {
  const { values, positionals } = parseOptions(OPTIONS, argv, 'report');
  return { files: positionals, outDir: (values.outDir as string | undefined) ?? DEFAULT_REPORT_DIR };
}

/** Runs the command; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  if (wantsHelp(argv)) {
    process.stdout.write(help());
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
  try {
    const { indexPath, runPaths } = await writeReport(files, args.outDir);
    process.stderr.write(`report: ${runPaths.length} run page${runPaths.length === 1 ? '' : 's'} written\n`);
    process.stdout.write(`${path.resolve(indexPath)}\n`);
    return 0;
  } catch (e) {
    if (e instanceof ReportInputError) throw new UsageError(e.message);
    throw e;
  }
}
