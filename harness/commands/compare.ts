/**
 * `pushbench compare <baseline> <candidate>`: judge a candidate results file against a baseline and exit
 * 0 (no regression), 1 (regression, changed wire bytes, or an errored transport) or 2 (usage or input error).
 */
import { UsageError, EXIT, parseFlags } from '../errors.js';
import { compareFiles, firstRepeats, mergeRecordings } from '../compare/compare.js';
import { toMarkdown, toText } from '../compare/format.js';
import { MissingBaselineError, readComparable, resolveBaseline } from '../compare/load.js';
import type { ComparisonFile } from '../compare/types.js';
import { writeFileAtomic } from '../../results/io.js';
import { applyDisableFlag, applyThresholdFlag, applyToleranceFlag, defaultPolicy, mergePolicy, readPolicyFile } from '../compare/policy.js';

export const summary = 'judge a candidate results file against a baseline: pushbench compare BASELINE CANDIDATE';

export const COMPARE_USAGE = `Usage: pushbench compare BASELINE CANDIDATE [options]

  BASELINE   a results file, or a directory of baselines (the one matching CANDIDATE's scenario is used)
  CANDIDATE  a results file from pushbench run --json (or a micro-benchmark file from npm run bench:micro)
  Either side may be a comma-separated list of files recorded with the same settings: their runs are pooled
  (for two versions measured alternately in one session, A B A B ..., see docs/ci.md).

Options:
  --policy FILE            thresholds and settings as JSON (see docs/ci.md), merged over the defaults
  --threshold METRIC=PCT   relative threshold of a statistical metric, e.g. latencyMs.p99=20 (repeatable)
  --tolerance METRIC=N     absolute tolerance of an exact metric, e.g. messages.lost=2 (repeatable)
  --disable METRIC         skip a metric (repeatable)
  --exact-only             judge only deterministic metrics: wire bytes and delivery faults
  --alpha P                significance level of the Mann-Whitney test (default 0.05)
  --seed N                 bootstrap seed (default 1)
  --allow-missing-baseline when BASELINE is a directory without a fitting baseline, say so and exit 0
                           (a CI job before main has recorded its first baseline)
  --repeats K              use only the first K repeats of each file (to find how many a machine needs)
  --markdown FILE          write the verdict as Markdown (for a pull-request comment)
  --json FILE              write the full comparison as JSON
  --html DIR               write the comparison as a page (DIR/index.html, with its assets and data as CSV):
                           baseline against candidate per metric, the verdict, the statistics and every repeat

Exit codes: 0 no regression, 1 regression (or changed wire bytes, or an errored transport), 2 usage or input error.
Statistical metrics need --repeat 4 or more on both runs; with fewer they are reported as insufficient samples.
`;

/** Runs the command; `argv` is what follows `compare` on the command line. */
export async function main(argv: string[]): Promise<number> {
  const parsed = parseFlags({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      policy: { type: 'string' },
      threshold: { type: 'string', multiple: true },
      tolerance: { type: 'string', multiple: true },
      disable: { type: 'string', multiple: true },
      'exact-only': { type: 'boolean' },
      alpha: { type: 'string' },
      seed: { type: 'string' },
      repeats: { type: 'string' },
      'allow-missing-baseline': { type: 'boolean' },
      markdown: { type: 'string' },
      json: { type: 'string' },
      html: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }, 'pushbench compare');
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(COMPARE_USAGE);
    return EXIT.ok;
  }
  if (positionals.length !== 2) {
    throw new UsageError(`compare needs exactly two arguments, BASELINE and CANDIDATE, got ${positionals.length}; see pushbench compare --help`);
  }
  const [baselineArg, candidateArg] = positionals as [string, string];

  // The whole policy is settled before any file is read, so a bad flag fails first.
  const policy = values.policy ? readPolicyFile(values.policy) : defaultPolicy();
  for (const t of values.threshold ?? []) applyThresholdFlag(policy, t);
  for (const t of values.tolerance ?? []) applyToleranceFlag(policy, t);
  for (const id of values.disable ?? []) applyDisableFlag(policy, id);
  if (values['exact-only']) policy.exactOnly = true;
  if (values.alpha !== undefined) mergePolicy(policy, { alpha: Number(values.alpha) }, '--alpha');
  if (values.seed !== undefined) mergePolicy(policy, { seed: Number(values.seed) }, '--seed');

  let repeats: number | null = null;
  if (values.repeats !== undefined) {
    repeats = Number(values.repeats);
    if (!Number.isInteger(repeats) || repeats < 1) throw new UsageError(`--repeats must be a positive integer, got "${values.repeats}"`);
  }

  const candidateFiles = splitList(candidateArg);
  let candidate = mergeRecordings(candidateFiles.map(readComparable), candidateFiles);
  let baseline;
  try {
    const baselineFiles = splitList(baselineArg);
    baseline =
      baselineFiles.length === 1
        ? resolveBaseline(baselineArg, candidate)
        : { file: baselineArg, data: mergeRecordings(baselineFiles.map(readComparable), baselineFiles) };
  } catch (err) {
    if (!(err instanceof MissingBaselineError && values['allow-missing-baseline'])) throw err;
    const text = `pushbench compare: nothing compared: ${err.message}\n`;
    if (values.markdown) writeOutput(values.markdown, `### pushbench compare: ➖ no baseline yet\n\n${err.message}\n`);
    process.stdout.write(text);
    return EXIT.ok;
  }
  let baselineData = baseline.data;
  if (repeats !== null) {
    candidate = firstRepeats(candidate, repeats);
    baselineData = firstRepeats(baselineData, repeats);
  }
  const result = compareFiles(baselineData, candidate, policy, { baseline: baseline.file, candidate: candidateArg });

  if (values.json) writeOutput(values.json, JSON.stringify(result, null, 2) + '\n', '--json');
  if (values.markdown) writeOutput(values.markdown, toMarkdown(result));
  if (values.html) await writeHtml(values.html, result);
  process.stdout.write(toText(result));
  return result.summary.exitCode;
}

function splitList(arg: string): string[] {
  const files = arg.split(',').filter((f) => f.length > 0);
  if (files.length === 0) throw new UsageError(`"${arg}" names no file; give a results file, a directory, or a comma-separated list`);
  return files;
}

async function writeHtml(dir: string, result: ComparisonFile): Promise<void> {
  const { writeComparisonSite } = await import('../../reports/site.js');
  try {
    await writeComparisonSite(result, dir);
  } catch (err) {
    throw new UsageError(`cannot write --html ${dir} (${(err as NodeJS.ErrnoException).code ?? String(err)}); choose a writable directory`);
  }
}

function writeOutput(file: string, text: string, flag = '--markdown'): void {
  try {
    writeFileAtomic(file, text);
  } catch (err) {
    throw new UsageError(`cannot write ${flag} ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)}); choose a writable path`);
  }
}
