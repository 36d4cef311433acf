/**
 * Reads results files for the report through the one validating reader (results/read.ts): every field the pages
 * read is checked, types included, so a damaged file is one line naming the file and the field, never an internal
 * error half-way through a site. Fields a newer harness adds are ignored.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ResultsInputError } from '../results/errors.js';
import { parseFile, readFile } from '../results/read.js';
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
  return { file, results: readFile(file, ['results']) };
}

/** The newest `*.json` in a results directory by modification time, or null when there is none. */
export async function newestResultsFile(dir: string): Promise<string | null> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
  } catch {
    return null;
  }
  let best: { file: string; mtimeMs: number } | null = null;
  for (const name of names) {
    const file = path.join(dir, name);
    const s = await stat(file);
    // Ties on mtime (same-second writes on coarse filesystems) go to the later name: names end in a timestamp.
    if (s.isFile() && (!best || s.mtimeMs > best.mtimeMs || (s.mtimeMs === best.mtimeMs && file > best.file))) best = { file, mtimeMs: s.mtimeMs };
  }
  return best?.file ?? null;
}
