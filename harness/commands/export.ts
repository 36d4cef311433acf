/**
 * `pushbench export <results.json> --format csv|openmetrics|benchmark-action`: a results file in a format another
 * tool reads. Writes to stdout, or atomically to --out FILE.
 */
import { EXIT, UsageError, asUsage } from '../errors.js';
import { formatHelp, parseOptions, wantsHelp, type OptionTable } from '../options.js';
import { prepareOutputFile, writeFileAtomic } from '../../results/io.js';
import { readResults } from '../../results/read.js';
import { EXPORT_FORMATS, exportResults, type ExportFormat } from '../../reports/export.js';

export const summary = 'a results file as CSV, OpenMetrics or github-action-benchmark JSON: pushbench export RESULTS.json -f FORMAT';

const OPTIONS: OptionTable = {
  '--format': {
    key: 'format',
    spec: { kind: 'choice', choices: EXPORT_FORMATS },
    help: 'csv (one row per transport run), openmetrics (Prometheus text), benchmark-action (customSmallerIsBetter JSON)',
    short: '-f',
    value: EXPORT_FORMATS.join('|'),
  },
  '--out': { key: 'out', spec: { kind: 'string' }, help: 'write to FILE instead of stdout', short: '-o', value: 'FILE', default: '-' },
};

export function help(): string {
  return formatHelp({
    usage: 'pushbench export RESULTS.json --format FORMAT [options]',
    description:
      'Writes a results file in a format another tool reads: CSV (RFC 4180) for spreadsheets, OpenMetrics text for\n' +
      "Prometheus-style tools, or github-action-benchmark's customSmallerIsBetter JSON (latency, bytes, CPU, losses).",
    table: OPTIONS,
    examples: [
      'pushbench export results/quick.json -f csv > quick.csv',
      'pushbench export results/quick.json -f openmetrics',
      'pushbench export main.json -f benchmark-action -o bench-action.json',
    ],
  });
}

export async function main(argv: string[]): Promise<number> {
  if (wantsHelp(argv)) {
    process.stdout.write(help());
    return EXIT.ok;
  }
  const { values, positionals } = parseOptions(OPTIONS, argv, 'export');
  if (positionals.length !== 1) throw new UsageError(`export needs exactly one results file, got ${positionals.length}; see pushbench export --help`);
  const format = values.format as ExportFormat | undefined;
  if (!format) throw new UsageError(`name a format: --format ${EXPORT_FORMATS.join('|')}`);
  const out = (values.out as string | undefined) ?? '-';
  // The output is checked before the file is read; the file through the one validating reader.
  if (out !== '-') asUsage(() => prepareOutputFile(out, '--out'));
  const text = exportResults(asUsage(() => readResults(positionals[0]!)), format);
  if (out === '-') process.stdout.write(text);
  else {
    try {
      writeFileAtomic(out, text);
    } catch (err) {
      throw new UsageError(`cannot write --out ${out} (${(err as NodeJS.ErrnoException).code ?? String(err)}); choose a writable path`);
    }
  }
  return EXIT.ok;
}
