/**
 * `pushbench baseline save <results.json> [--dir baselines/] [--name NAME]`: keep a results file as the baseline
 * of its scenario (baselines/<scenario>.json), for `pushbench compare <dir> <candidate>` to find later.
 */
import path from 'node:path';
import { UsageError, EXIT, parseFlags } from '../errors.js';
import { isMicroFile } from '../compare/compare.js';
import { readComparable } from '../compare/load.js';
import { writeFileAtomic } from '../../results/io.js';
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
  if (name !== undefined && !/^[\w.-]+$/.test(name)) {
    throw new UsageError(`--name "${name}" must be letters, digits, '.', '_' or '-' (it becomes a file name)`);
  }
  const data = readComparable(source);
  const dir = values.dir ?? 'baselines';
  const file = path.join(dir, `${name ?? data.scenario}.json`);
  try {
    writeFileAtomic(file, JSON.stringify(data, null, 2) + '\n');
  } catch (err) {
    throw new UsageError(`cannot write ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)}); choose a writable --dir`);
  }
  const repeats = isMicroFile(data)
    ? Math.min(...data.tasks.map((t) => t.nsPerOpSamples.length))
    : Math.min(...countRepeats(data.runs.map((r) => r.transport)));
  process.stdout.write(`saved ${file} (scenario ${data.scenario}, ${repeats} repeat${repeats === 1 ? "" : "s"})\n`);
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
