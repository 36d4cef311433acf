/**
 * Reading results and micro-benchmark files for comparison (through the one validating reader, results/read.ts) and
 * finding a scenario's baseline in a directory.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError, asUsage } from '../errors.js';
import { oneLine, parseFile, readFile } from '../../results/read.js';
import { assertComparable, type ComparableFile } from './compare.js';

/**
 * Checks a parsed results or micro-benchmark file, every field `compare` reads, types included (results/read.ts);
 * throws UsageError naming the file and the field.
 */
export function parseComparable(raw: unknown, where: string): ComparableFile {
  return asUsage(() => parseFile(raw, where, ['results', 'micro']));
}

/** Reads and validates one file. */
export function readComparable(file: string): ComparableFile {
  return asUsage(() => readFile(file, ['results', 'micro']));
}

/** No baseline in a directory fits the candidate. */
export class MissingBaselineError extends UsageError {
  override name = 'MissingBaselineError';
}

/**
 * The baseline for `candidate` in `dir`: among the `.json` files (top level only) of the candidate's scenario, the
 * newest (`startedAt`) that was measured with the candidate's settings. A directory can so hold a full-size
 * baseline and a small smoke baseline of one scenario side by side. Files that are not pushbench results are ignored.
 */
export function findBaselineInDir(dir: string, candidate: ComparableFile): { file: string; data: ComparableFile } {
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  } catch (err) {
    throw new UsageError(`cannot read baseline directory ${dir} (${(err as NodeJS.ErrnoException).code ?? String(err)}); check the path`);
  }
  const sameScenario: Array<{ file: string; data: ComparableFile }> = [];
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      const data = readComparable(file);
      if (data.scenario === candidate.scenario) sameScenario.push({ file, data });
    } catch {
      // Other JSON (policies, comparison outputs) may live next to baselines; they are simply not candidates.
    }
  }
  const fix = `record one with: pushbench baseline save RESULTS.json --dir ${dir}`;
  if (sameScenario.length === 0) throw new MissingBaselineError(`no baseline for scenario "${oneLine(candidate.scenario)}" in ${dir}; ${fix}`);
  const comparable = sameScenario.filter(({ data }) => {
    try {
      assertComparable(data, candidate);
      return true;
    } catch {
      return false;
    }
  });
  if (comparable.length === 0) {
    throw new MissingBaselineError(
      `no baseline in ${dir} was measured with the candidate's settings (scenario "${oneLine(candidate.scenario)}": ${sameScenario.map((m) => oneLine(path.basename(m.file))).join(', ')} differ); ${fix}`,
    );
  }
  comparable.sort((a, b) => (a.data.startedAt < b.data.startedAt ? 1 : a.data.startedAt > b.data.startedAt ? -1 : 0));
  return comparable[0]!;
}

/** A file, or the matching baseline when `fileOrDir` is a directory. */
export function resolveBaseline(fileOrDir: string, candidate: ComparableFile): { file: string; data: ComparableFile } {
  let isDir = false;
  try {
    isDir = statSync(fileOrDir).isDirectory();
  } catch (err) {
    throw new UsageError(`cannot find baseline ${fileOrDir} (${(err as NodeJS.ErrnoException).code ?? String(err)}); give a results file or a baseline directory`);
  }
  return isDir ? findBaselineInDir(fileOrDir, candidate) : { file: fileOrDir, data: readComparable(fileOrDir) };
}
