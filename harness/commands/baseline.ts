/**
 * `pushbench baseline save <results.json> [--dir baselines/] [--name NAME]`: keep a results file as the baseline
 * of its scenario (baselines/<scenario>.json), for `pushbench compare <dir> <candidate>` to find later.
 */
import { UsageError, EXIT, asUsage, parseFlags } from '../errors.js';
import { isMicroFile } from '../compare/compare.js';
import { readComparable } from '../compare/load.js';
import { isSafeName, pathInside, prepareOutputDir, writeFileAtomic } from '../../results/io.js';
import { oneLine } from '../../results/read.js';
import { DEFAULT_ALPHA } from '../compare/policy.js';
import { repeatsNeeded } from '../compare/stats.js';

export const summary = 'keep a results file as its scenario\'s baseline: pushbench baseline save RESULTS.json';

export const BASELINE_USAGE = `Usage: pushbench baseline save RESULTS.json [--dir DIR] [--name NAME]

  Copies a results file (or micro-benchmark file) to DIR/NAME.json (default DIR baselines/, NAME the scenario),
  where pushbench compare DIR CANDIDATE finds it by scenario. Record it with --repeat ${Math.max(5, repeatsNeeded(DEFAULT_ALPHA))} or more
  so that statistical metrics can be judged; a single run gates only the exact metrics.
`;

/** Runs the command; `argv` is what follows `baseline` on the command line. */
export async function main(argv: string[]): Promise<number> {
  const parsed = parseFlags({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: { dir: { type: 'string' }, name: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  }, 'pushbench baseline');
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(BASELINE_USAGE);
    return EXIT.ok;
  }
  const [sub, source, ...rest] = positionals;
  if (sub !== 'save' || source === undefined || rest.length > 0) {
    throw new UsageError('usage: pushbench baseline save RESULTS.json [--dir DIR] [--name NAME]');
  }
  const name = values.name ?? undefined;
  if (name !== undefined && !isSafeName(name)) {
    throw new UsageError(`--name "${oneLine(name)}" must be letters, digits, '.', '_' or '-' (it becomes a file name)`);
  }
  const data = readComparable(source);
  // The scenario comes from the file: it names the baseline only if it is a plain name, and the path is checked
  // once more to lie inside the folder.
  if (name === undefined && !isSafeName(data.scenario)) {
    throw new UsageError(
      `${oneLine(source)}: scenario ${JSON.stringify(oneLine(data.scenario)).slice(0, 80)} cannot be a file name (letters, digits, '.', '_' or '-' only); pass --name NAME`,
    );
  }
  const dir = values.dir ?? 'baselines';
  const file = asUsage(() => {
    prepareOutputDir(dir, '--dir');
    return pathInside(dir, `${name ?? data.scenario}.json`, 'baseline name');
  });
  try {
    writeFileAtomic(file, JSON.stringify(data, null, 2) + '\n');
  } catch (err) {
    throw new UsageError(`cannot write ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)}); choose a writable --dir`);
  }
  const repeats = isMicroFile(data)
    ? Math.min(...data.tasks.map((t) => t.nsPerOpSamples.length))
    : Math.min(...countRepeats(data.runs.map((r) => r.transport)));
  process.stdout.write(`saved ${oneLine(file)} (scenario ${oneLine(data.scenario)}, ${repeats} repeat${repeats === 1 ? "" : "s"})\n`);
  const needed = repeatsNeeded(DEFAULT_ALPHA);
  if (repeats < needed) {
    process.stderr.write(`note: with ${repeats} repeat${repeats === 1 ? "" : "s"} only exact metrics can be judged; record with --repeat ${Math.max(5, needed)} for statistical ones\n`);
  }
  return EXIT.ok;
}

function countRepeats(transports: string[]): number[] {
  const counts = new Map<string, number>();
  for (const t of transports) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts.size > 0 ? [...counts.values()] : [0];
}
