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
import type { ComparisonFile } from '../results/comparison.js';
import type { KaazingResults } from '../results/kaazing.js';

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

/** Any file the site renders: a results file, a kaazing study, or a comparison. */
export type ReportInput =
  | { kind: 'results'; file: string; results: ResultsFile }
  | { kind: 'study'; file: string; study: KaazingResults }
  | { kind: 'comparison'; file: string; comparison: ComparisonFile };

/**
 * Reads one file the report can render through the one validating reader, told apart by its `kind` (old forms:
 * no kind is results, `study: "kaazing"` a study). Throws ReportInputError naming the file and the field.
 */
export async function loadReportInput(file: string): Promise<ReportInput> {
  const f = readChecked(file, ['results', 'kaazing', 'comparison']);
  if (f.kind === 'kaazing') return { kind: 'study', file, study: f };
  if (f.kind === 'comparison') return { kind: 'comparison', file, comparison: f };
  return { kind: 'results', file, results: f as ResultsFile };
}

/**
 * Every `*.json` in the given directories, sorted by path; missing directories give none. With `recursive`,
 * subdirectories too, except node_modules and hidden ones.
 */
export async function jsonFilesUnder(dirs: string[], recursive = true): Promise<string[]> {
  const out: string[] = [];
  async function walk(dir: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (recursive && e.name !== 'node_modules' && !e.name.startsWith('.')) await walk(full);
      }
      else if (e.isFile() && e.name.endsWith('.json')) out.push(full);
    }
  }
  for (const dir of dirs) await walk(dir);
  return [...new Set(out)].sort();
}
