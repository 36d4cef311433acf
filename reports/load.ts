/**
 * Reads results files for the report. Checks only what the pages rely on, so that a file written by a newer
 * harness with extra fields still renders; anything else wrong is one line naming the file and the fix.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ResultsFile } from '../results/types.js';
import type { ComparisonFile } from '../harness/compare/types.js';
import { isComparisonFile } from './comparison.js';
import type { KaazingResults } from './kaazing.js';
import { isKaazingResults } from './study.js';

/** Bad report input (missing file, not a results file). The CLI turns it into a usage error. */
export class ReportInputError extends Error {
  override name = 'ReportInputError';
}

/** A results file with the path it came from. */
export interface LoadedResults {
  file: string;
  results: ResultsFile;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks the parts of a parsed results file the report reads; throws ReportInputError on the first problem. */
export function checkResults(raw: unknown, file: string): ResultsFile {
  const where = `${file} is not a pushbench results file`;
  if (!isObject(raw) || raw.tool !== 'pushbench') throw new ReportInputError(`${where} ("tool" is not "pushbench"); pass files written by pushbench run`);
  if (raw.schemaVersion !== 1 && raw.schemaVersion !== 2) {
    throw new ReportInputError(`${file} has schemaVersion ${JSON.stringify(raw.schemaVersion)}; this report reads versions 1 and 2 — re-run the benchmark or use a matching pushbench`);
  }
  for (const key of ['scenario', 'startedAt', 'finishedAt'] as const) {
    if (typeof raw[key] !== 'string') throw new ReportInputError(`${where} ("${key}" must be a string)`);
  }
  if (!isObject(raw.environment)) throw new ReportInputError(`${where} ("environment" must be an object)`);
  if (!isObject(raw.options)) throw new ReportInputError(`${where} ("options" must be an object)`);
  if (!Array.isArray(raw.runs)) throw new ReportInputError(`${where} ("runs" must be an array)`);
  raw.runs.forEach((run, i) => {
    if (!isObject(run) || typeof run.transport !== 'string' || (run.state !== 'completed' && run.state !== 'errored')) {
      throw new ReportInputError(`${where} (runs[${i}] needs a "transport" and a "state" of completed or errored)`);
    }
    if (run.state === 'errored' && typeof run.error !== 'string') throw new ReportInputError(`${where} (runs[${i}] is errored but has no "error" text)`);
    if (run.state === 'completed') {
      for (const key of ['wire', 'latencyMs', 'server', 'messages', 'connect', 'throughput'] as const) {
        if (!isObject(run[key])) throw new ReportInputError(`${where} (runs[${i}].${key} must be an object)`);
      }
    }
  });
  return raw as unknown as ResultsFile;
}

/** Reads and checks one results file. */
export async function loadResults(file: string): Promise<LoadedResults> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ReportInputError(code === 'ENOENT' ? `no such results file: ${file}` : `cannot read ${file} (${code ?? (e as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ReportInputError(`${file} is not valid JSON (${(e as Error).message}); pass a results file written by pushbench run`);
  }
  return { file, results: checkResults(raw, file) };
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

/** Any file the site renders: a results file, a kaazing study, or a comparison. */
export type ReportInput =
  | { kind: 'results'; file: string; results: ResultsFile }
  | { kind: 'study'; file: string; study: KaazingResults }
  | { kind: 'comparison'; file: string; comparison: ComparisonFile };

/**
 * Reads one file the report can render, recognising it by its content: `study: "kaazing"` (pushbench kaazing
 * --json), `kind: "comparison"` (pushbench compare --json), otherwise it must be a results file.
 */
export async function loadReportInput(file: string): Promise<ReportInput> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ReportInputError(code === 'ENOENT' ? `no such results file: ${file}` : `cannot read ${file} (${code ?? (e as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ReportInputError(`${file} is not valid JSON (${(e as Error).message}); pass a results file written by pushbench run`);
  }
  if (isKaazingResults(raw)) return { kind: 'study', file, study: raw };
  if (isComparisonFile(raw)) return { kind: 'comparison', file, comparison: raw };
  return { kind: 'results', file, results: checkResults(raw, file) };
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
