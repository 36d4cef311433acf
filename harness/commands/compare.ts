/**
 * `pushbench compare <baseline> <candidate>`: judge a candidate results file against a baseline and exit
 * 0 (no regression), 1 (regression, changed wire bytes, or an errored transport) or 2 (usage or input error).
 */
import { UsageError, EXIT, asUsage } from '../errors.js';
import { formatHelp, parseOptions, wantsHelp, type OptionTable } from '../options.js';
import { compareFiles, firstRepeats, mergeRecordings } from '../compare/compare.js';
import { escapeMarkdown, escapeTerminal, toMarkdown, toText } from '../compare/format.js';
import { MissingBaselineError, readComparable, resolveBaseline } from '../compare/load.js';
import type { ComparisonFile } from '../compare/types.js';
import { prepareOutputDir, prepareOutputFile, writeFileAtomic } from '../../results/io.js';
import { oneLine } from '../../results/read.js';
import { applyDisableFlag, applyThresholdFlag, applyToleranceFlag, defaultPolicy, mergePolicy, readPolicyFile } from '../compare/policy.js';

export const summary = 'judge a candidate results file against a baseline: pushbench compare BASELINE CANDIDATE';

const OPTIONS: OptionTable = {
  '--policy': { key: 'policy', spec: { kind: 'string' }, help: 'thresholds and settings as JSON (see docs/ci.md), merged over the defaults', value: 'FILE' },
  '--threshold': { key: 'threshold', spec: { kind: 'string' }, help: 'relative threshold of a statistical metric, e.g. latencyMs.p99=20 (repeatable)', value: 'METRIC=PCT', multiple: true },
  '--tolerance': { key: 'tolerance', spec: { kind: 'string' }, help: 'absolute tolerance of an exact metric, e.g. messages.lost=2 (repeatable)', value: 'METRIC=N', multiple: true },
  '--disable': { key: 'disable', spec: { kind: 'string' }, help: 'skip a metric (repeatable)', value: 'METRIC', multiple: true },
  '--exact-only': { key: 'exactOnly', spec: { kind: 'bool' }, help: 'judge only deterministic metrics: wire bytes and delivery faults' },
  '--alpha': { key: 'alpha', spec: { kind: 'string' }, help: 'significance level of the Mann-Whitney test', value: 'P', default: 0.05 },
  '--seed': { key: 'seed', spec: { kind: 'string' }, help: 'bootstrap seed', value: 'N', default: 1 },
  '--allow-missing-baseline': {
    key: 'allowMissingBaseline',
    spec: { kind: 'bool' },
    help: 'when BASELINE is a directory without a fitting baseline, say so and exit 0 (before any baseline exists)',
  },
  '--allow-missing': {
    key: 'allowMissing',
    spec: { kind: 'bool' },
    help: 'judge what both sides have when the candidate lacks a transport (or task) of the baseline; without it that is an input error (exit 2)',
  },
  '--repeats': { key: 'repeats', spec: { kind: 'string' }, help: 'use only the first K repeats of each file (to find how many a machine needs)', value: 'K' },
  '--markdown': { key: 'markdown', spec: { kind: 'string' }, help: 'write the verdict as Markdown (for a pull-request comment); - for stdout', value: 'FILE|-' },
  '--json': { key: 'json', spec: { kind: 'string' }, help: 'write the full comparison as JSON; - for stdout (the text verdict then goes to stderr)', short: '-j', value: 'FILE|-' },
  '--html': {
    key: 'html',
    spec: { kind: 'string' },
    help: 'write the comparison as a page (DIR/index.html, with its assets and data as CSV): baseline against candidate per metric, the verdict, the statistics and every repeat',
    value: 'DIR',
  },
};

export function help(): string {
  return formatHelp({
    usage: 'pushbench compare BASELINE CANDIDATE [options]',
    description: [
      'Judges a candidate results file against a baseline.',
      '  BASELINE   a results file, or a directory of baselines (the one matching CANDIDATE\'s scenario is used)',
      '  CANDIDATE  a results file from pushbench run --json (or a micro-benchmark file from npm run bench:micro)',
      'Either side may be a comma-separated list of files recorded with the same settings: their runs are pooled',
      '(for two versions measured alternately in one session, A B A B ..., see docs/ci.md).',
      'Exit codes: 0 no regression, 1 regression (or changed wire bytes, or an errored transport), 2 usage or input error',
      '(a file that does not read, or a candidate without a transport or task the baseline has).',
      'Statistical metrics need --repeat 4 or more on both runs; with fewer they are reported as insufficient samples.',
    ].join('\n'),
    table: OPTIONS,
    examples: ['pushbench compare baselines/ candidate.json', 'pushbench compare base.json cand.json --exact-only --markdown verdict.md'],
  });
}

/** Runs the command; `argv` is what follows `compare` on the command line. */
export async function main(argv: string[]): Promise<number> {
  if (wantsHelp(argv)) {
    process.stdout.write(help());
    return EXIT.ok;
  }
  const { values: v, positionals } = parseOptions(OPTIONS, argv, 'compare');
  const values = v as {
    policy?: string;
    threshold?: string[];
    tolerance?: string[];
    disable?: string[];
    exactOnly?: boolean;
    alpha?: string;
    seed?: string;
    allowMissingBaseline?: boolean;
    allowMissing?: boolean;
    repeats?: string;
    markdown?: string;
    json?: string;
    html?: string;
  };
  if (positionals.length !== 2) {
    throw new UsageError(`compare needs exactly two arguments, BASELINE and CANDIDATE, got ${positionals.length}; see pushbench compare --help`);
  }
  const [baselineArg, candidateArg] = positionals as [string, string];

  // The whole policy is settled before any file is read, so a bad flag fails first.
  const policy = values.policy ? readPolicyFile(values.policy) : defaultPolicy();
  for (const t of values.threshold ?? []) applyThresholdFlag(policy, t);
  for (const t of values.tolerance ?? []) applyToleranceFlag(policy, t);
  for (const id of values.disable ?? []) applyDisableFlag(policy, id);
  if (values.exactOnly) policy.exactOnly = true;
  if (values.alpha !== undefined) mergePolicy(policy, { alpha: Number(values.alpha) }, '--alpha');
  if (values.seed !== undefined) mergePolicy(policy, { seed: Number(values.seed) }, '--seed');

  let repeats: number | null = null;
  if (values.repeats !== undefined) {
    repeats = Number(values.repeats);
    if (!Number.isInteger(repeats) || repeats < 1) throw new UsageError(`--repeats must be a positive integer, got "${values.repeats}"`);
  }

  // Outputs are checked before any file is read, so a bad path fails first and nothing is half-written.
  const outputs = asUsage(() => ({
    json: values.json && values.json !== '-' ? prepareOutputFile(values.json, '--json') : (values.json ?? null),
    markdown: values.markdown && values.markdown !== '-' ? prepareOutputFile(values.markdown, '--markdown') : (values.markdown ?? null),
    html: values.html ? prepareOutputDir(values.html, '--html') : null,
  }));

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
    if (!(err instanceof MissingBaselineError && values.allowMissingBaseline)) throw err;
    const text = `pushbench compare: nothing compared: ${escapeTerminal(err.message)}\n`;
    if (outputs.markdown) writeOutput(outputs.markdown, `### pushbench compare: ➖ no baseline yet\n\n${escapeMarkdown(err.message)}\n`);
    process.stdout.write(text);
    return EXIT.ok;
  }
  let baselineData = baseline.data;
  if (repeats !== null) {
    candidate = firstRepeats(candidate, repeats);
    baselineData = firstRepeats(baselineData, repeats);
  }
  const result = compareFiles(baselineData, candidate, policy, { baseline: baseline.file, candidate: candidateArg });
  const missing = [...new Set(result.comparisons.filter((r) => r.verdict === 'missing' && r.baseline !== null && r.candidate === null).map((r) => r.group))];
  const lacking = missing.filter((g) => !result.comparisons.some((r) => r.group === g && r.candidate !== null));
  if (lacking.length > 0 && !values.allowMissing) {
    throw new UsageError(
      `candidate ${oneLine(candidateArg)} lacks ${lacking.map((g) => JSON.stringify(oneLine(g))).join(', ')}, which the baseline has; measure ${lacking.length === 1 ? 'it' : 'them'} too, or pass --allow-missing to judge the rest`,
    );
  }

  if (outputs.json) writeOutput(outputs.json, JSON.stringify(result, null, 2) + '\n', '--json');
  if (outputs.markdown) writeOutput(outputs.markdown, toMarkdown(result));
  if (outputs.html) await writeHtml(outputs.html, result);
  // stdout belongs to a file written there with -; the text verdict then goes to stderr.
  (values.json === '-' || values.markdown === '-' ? process.stderr : process.stdout).write(toText(result));
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
  if (file === '-') {
    process.stdout.write(text);
    return;
  }
  try {
    writeFileAtomic(file, text);
  } catch (err) {
    throw new UsageError(`cannot write ${flag} ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)}); choose a writable path`);
  }
}
