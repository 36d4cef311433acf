/**
 * Reading results and micro-benchmark files for comparison, and finding a scenario's baseline in a directory.
 * Files are written with results/io.ts's `writeFileAtomic` (temp name, then rename; an interrupt removes the temp).
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { readJsonFile } from '../data-files.js';
import { UsageError } from '../errors.js';
import { READABLE_SCHEMA_VERSIONS, type ResultsFile } from '../../results/types.js';
import { assertComparable, type ComparableFile } from './compare.js';
import { COMPARE_SCHEMA_VERSION, type MicroResultsFile } from './types.js';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Checks the fields `compare` reads and returns the file typed; throws UsageError naming the first problem.
 * Deliberately shallow: a results file written by `pushbench run` is trusted beyond its shape.
 */
export function parseComparable(raw: unknown, where: string): ComparableFile {
  if (!isRecord(raw) || raw.tool !== 'pushbench') {
    throw new UsageError(`${where} is not a pushbench file (no "tool": "pushbench"); pass a file written by pushbench run --json or npm run bench:micro`);
  }
  if (raw.kind === 'micro') {
    if (raw.schemaVersion !== COMPARE_SCHEMA_VERSION) {
      throw new UsageError(`${where} has micro schemaVersion ${String(raw.schemaVersion)}, this pushbench reads ${COMPARE_SCHEMA_VERSION}; re-record it`);
    }
    if (!Array.isArray(raw.tasks)) throw new UsageError(`${where}: "tasks" must be a list; re-record it with npm run bench:micro`);
    for (const t of raw.tasks) {
      if (!isRecord(t) || typeof t.name !== 'string' || !Array.isArray(t.nsPerOpSamples) || !t.nsPerOpSamples.every((v) => typeof v === 'number')) {
        throw new UsageError(`${where}: every task needs a "name" and numeric "nsPerOpSamples"; re-record it with npm run bench:micro`);
      }
    }
    return raw as unknown as MicroResultsFile;
  }
  if (raw.kind === 'comparison') {
    throw new UsageError(`${where} is a comparison output, not results; pass the results files that were compared`);
  }
  if (!READABLE_SCHEMA_VERSIONS.includes(raw.schemaVersion as number)) {
    throw new UsageError(`${where} has schemaVersion ${String(raw.schemaVersion)}, this pushbench reads ${READABLE_SCHEMA_VERSIONS.join(' and ')}; re-record it with this version`);
  }
  if (typeof raw.scenario !== 'string' || !Array.isArray(raw.runs)) {
    throw new UsageError(`${where} lacks "scenario" or "runs"; pass a results file written by pushbench run --json`);
  }
  for (const run of raw.runs) {
    if (!isRecord(run) || typeof run.transport !== 'string' || (run.state !== 'completed' && run.state !== 'errored')) {
      throw new UsageError(`${where}: every run needs "transport" and "state" ("completed" or "errored"); re-record it`);
    }
    if (run.state === 'completed' && (!isRecord(run.wire) || !isRecord(run.messages) || !isRecord(run.latencyMs) || !isRecord(run.server))) {
      throw new UsageError(`${where}: completed run of ${run.transport} lacks wire, messages, latencyMs or server; re-record it`);
    }
  }
  return raw as unknown as ResultsFile;
}

/** Reads and validates one file. */
export function readComparable(file: string): ComparableFile {
  const raw = readJsonFile(file, {
    unreadable: (err) => `cannot read ${file} (${err.code ?? String(err)}); check the path`,
    invalid: (err) => `${file} is not valid JSON (${err.message}); pass a results file`,
  });
  return parseComparable(raw, file);
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
  if (sameScenario.length === 0) throw new MissingBaselineError(`no baseline for scenario "${candidate.scenario}" in ${dir}; ${fix}`);
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
      `no baseline in ${dir} was measured with the candidate's settings (scenario "${candidate.scenario}": ${sameScenario.map((m) => path.basename(m.file)).join(', ')} differ); ${fix}`,
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
