/**
 * `pushbench baseline save <results.json> [--dir baselines/] [--name NAME]`: keep a results file as the baseline
 * of its scenario (baselines/<scenario>.json), for `pushbench compare <dir> <candidate>` to find later.
 */
import { UsageError, EXIT, asUsage } from '../errors.js';
import { formatHelp, parseOptions, wantsHelp, type OptionTable } from '../options.js';
import { isMicroFile } from '../compare/compare.js';
import { readComparable } from '../compare/load.js';
import { isSafeName, pathInside, prepareOutputDir, writeFileAtomic } from '../../results/io.js';
import { oneLine } from '../../results/read.js';
import { DEFAULT_ALPHA } from '../compare/policy.js';
import { repeatsNeeded } from '../compare/stats.js';

export const summary = 'keep a results file as its scenario\'s baseline: pushbench baseline save RESULTS.json';

const OPTIONS: OptionTable = {
  '--dir': { key: 'dir', spec: { kind: 'string' }, help: 'directory of baselines', value: 'DIR', default: 'baselines' },
  '--name': { key: 'name', spec: { kind: 'string' }, help: "file name without .json (letters, digits, '.', '_', '-')", value: 'NAME', default: 'the scenario' },
};

export function help(): string {
  return formatHelp({
    usage: 'pushbench baseline save RESULTS.json [options]',
    description:
      'Copies a results file (or micro-benchmark file) to DIR/NAME.json, where pushbench compare DIR CANDIDATE finds it\n' +
      `by scenario. Record it with --repeat ${Math.max(5, repeatsNeeded(DEFAULT_ALPHA))} or more so that statistical metrics can be judged; a single run gates\n` +
      'only the exact metrics.',
    table: OPTIONS,
    examples: ['pushbench baseline save results/quick-2026-01-01T00-00-00-000Z.json', 'pushbench baseline save smoke.json --dir baselines --name ci-smoke'],
  });
}

/** Runs the command; `argv` is what follows `baseline` on the command line. */
export async function main(argv: string[]): Promise<number> {
  if (wantsHelp(argv)) {
    process.stdout.write(help());
    return EXIT.ok;
  }
  const { values: v, positionals } = parseOptions(OPTIONS, argv, 'baseline');
  const values = v as { dir?: string; name?: string };
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
