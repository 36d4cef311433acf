/**
 * Reads results files for the report through the one validating reader (results/read.ts): every field the pages
 * read is checked, types included, so a damaged file is one line naming the file and the field, never an internal
 * error half-way through a site. Fields a newer harness adds are ignored.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ResultsInputError } from '../results/errors.js';
import { kindOf, parseFile, readFile as readChecked } from '../results/read.js';
import type { ResultsFile } from '../results/types.js';

/** Bad report input (missing file, not a results file): the results module's input error. The CLI makes it exit 2. */
export const ReportInputError = ResultsInputError;
export type ReportInputError = ResultsInputError;

/** A results file with the path it came from. */
export interface LoadedResults {
  file: string;
  results: ResultsFile;
}

/** Checks a parsed results file; throws ReportInputError naming the file and the first field at fault. */
export function checkResults(raw: unknown, file: string): ResultsFile {
  return parseFile(raw, file, ['results']);
}

/** Reads and checks one results file. */
export async function loadResults(file: string): Promise<LoadedResults> {
  return { file, results: readChecked(file, ['results']) };
}

/**
 * The newest results file (`kind` results, or none: the old form) in a results directory by modification time, or
 * null when there is none. Other kinds that share the folder (floor, micro-benchmark files) are passed over.
 */
export async function newestResultsFile(dir: string): Promise<string | null> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
  } catch {
    return null;
  }
  const found: Array<{ file: string; mtimeMs: number }> = [];
  for (const name of names) {
    const file = path.join(dir, name);
    const s = await stat(file);
    if (s.isFile()) found.push({ file, mtimeMs: s.mtimeMs });
  }
  // Ties on mtime (same-second writes on coarse filesystems) go to the later name: names end in a timestamp.
  found.sort((a, b) => b.mtimeMs - a.mtimeMs || (a.file < b.file ? 1 : a.file > b.file ? -1 : 0));
  for (const { file } of found) {
    try {
      if (kindOf(JSON.parse(await readFile(file, 'utf8'))) === 'results') return file;
    } catch {
      // Not JSON: not a results file either.
    }
  }
  return null;
}
