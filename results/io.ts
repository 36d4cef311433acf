/** Results files: written whole or not at all (temp name, then rename), so a crash never leaves half a file. */
import { mkdirSync, renameSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../harness/errors.js';
import { READABLE_SCHEMA_VERSIONS, SCHEMA_VERSION, type ResultsFile, type RunOptions } from './types.js';

const pendingTemps = new Set<string>();

export function resultsPath(options: RunOptions, startedAt: string): string {
  if (options.jsonFile) return path.resolve(options.jsonFile);
  const stamp = startedAt.replace(/[:.]/g, '-').replace(/Z$/, 'Z');
  return path.resolve(options.outDir, `${options.scenario}-${stamp}.json`);
}

/** Writes any file atomically. */
export function writeFileAtomic(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  pendingTemps.add(tmp);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  } finally {
    pendingTemps.delete(tmp);
    rmSync(tmp, { force: true });
  }
}

export function writeResults(results: ResultsFile, file: string): void {
  writeFileAtomic(file, JSON.stringify(results, null, 2) + '\n');
}

/** Removes temp files of writes that an interrupt cut short. */
export function removePendingTemps(): void {
  for (const t of pendingTemps) rmSync(t, { force: true });
  pendingTemps.clear();
}

export function readResults(file: string): ResultsFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new UsageError(err.code === 'ENOENT' ? `no results file at ${file}` : `${file} is not a results file: ${err.message}`);
  }
  const r = raw as Partial<ResultsFile>;
  if (r?.tool !== 'pushbench' || !Array.isArray(r.runs)) throw new UsageError(`${file} is not a pushbench results file`);
  if (!READABLE_SCHEMA_VERSIONS.includes(r.schemaVersion as number)) {
    throw new UsageError(`${file} has schemaVersion ${r.schemaVersion}; this pushbench reads ${READABLE_SCHEMA_VERSIONS.join(' and ')} (re-run the bench to regenerate it)`);
  }
  return r as ResultsFile;
}
