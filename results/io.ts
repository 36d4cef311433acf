/**
 * Writing pushbench's files: the one atomic writer (temp name in the same folder, then rename), so a crash never
 * leaves half a file; the multi-file variant for sites (built in a temporary folder, then moved into place); output
 * paths checked before anything runs; names from files turned into paths only through a strict slug check.
 * Every temporary file or folder is removed on every exit path (error, Ctrl-C, process exit).
 */
import {
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OutputPathError } from './errors.js';
import type { ResultsFile, RunOptions } from './types.js';

const pendingTemps = new Set<string>();
/** Temps removed by removePendingTemps while their write was still going: the write must not complete. */
const abandoned = new Set<string>();
let exitHookInstalled = false;

function track(tmp: string): void {
  pendingTemps.add(tmp);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // The last line of defence: whatever path the process leaves by, no temp survives it.
    process.once('exit', removePendingTemps);
  }
}

function untrack(tmp: string): void {
  pendingTemps.delete(tmp);
  abandoned.delete(tmp);
}

/** A temporary name beside `target`, unique to this process and call. */
function tempBeside(target: string): string {
  const rand = Math.random().toString(36).slice(2, 10);
  return path.join(path.dirname(target), `.${path.basename(target)}.tmp-${process.pid}-${rand}`);
}

/**
 * Removes temp files and folders of writes that an error or an interrupt cut short. Synchronous: safe in signal
 * and exit hooks. The writes stay marked: one still running (an async site build) may recreate its folder before
 * the process exits, so the exit hook removes it again, and it is never moved into place.
 */
export function removePendingTemps(): void {
  for (const t of pendingTemps) {
    abandoned.add(t);
    try {
      rmSync(t, { recursive: true, force: true });
    } catch {
      /* nothing more can be done on the way out */
    }
  }
}

/** Temp files and folders currently in flight (tests). */
export function pendingTempCount(): number {
  return pendingTemps.size;
}

/**
 * Creates `dir` and its missing parents one level at a time. Unlike `mkdirSync(…, { recursive: true })` it cannot
 * spin on a path whose parent will never accept a folder (`/proc/x/y` made Node 20 loop forever).
 */
export function makeDirs(dir: string): void {
  const abs = path.resolve(dir);
  const missing: string[] = [];
  let cur = abs;
  for (;;) {
    let st;
    try {
      st = statSync(cur);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw new OutputPathError(`cannot use ${cur} (${code ?? (e as Error).message})`);
      missing.push(cur);
      const parent = path.dirname(cur);
      if (parent === cur) throw new OutputPathError(`cannot create ${abs}: no existing folder above it`);
      cur = parent;
      continue;
    }
    if (!st.isDirectory()) throw new OutputPathError(`cannot create folder ${abs}: ${cur} is not a folder`);
    break;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && statSync(d).isDirectory()) continue;
      throw new OutputPathError(`cannot create folder ${d} (${code ?? (e as Error).message})`);
    }
  }
}

function describe(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

/** Writes any file atomically: readers see the old file or the whole new one, never half. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  makeDirs(path.dirname(path.resolve(file)));
  const tmp = tempBeside(path.resolve(file));
  track(tmp);
  try {
    writeFileSync(tmp, data, { flag: 'wx' });
    renameSync(tmp, file);
  } finally {
    rmSync(tmp, { force: true });
    untrack(tmp);
  }
}

/**
 * Checks before anything runs that `file` can be written: resolves it, creates its folder, refuses a folder or
 * other non-file at the path, and writes and removes a probe file beside it. Returns the absolute path.
 * Throws OutputPathError (one line, names the path and the flag) otherwise.
 */
export function prepareOutputFile(file: string, flag: string): string {
  const abs = path.resolve(file);
  try {
    if (existsSync(abs)) {
      const st = lstatSync(abs);
      if (st.isDirectory()) throw new OutputPathError(`${flag} ${file} is a folder; name a file inside it, e.g. ${path.join(file, 'results.json')}`);
      if (!st.isFile() && !st.isSymbolicLink()) throw new OutputPathError(`${flag} ${file} is not a regular file; choose another path`);
    }
    makeDirs(path.dirname(abs));
    probe(path.dirname(abs));
  } catch (e) {
    if (e instanceof OutputPathError && e.message.startsWith(flag)) throw e;
    throw new OutputPathError(`cannot write ${flag} ${file} (${e instanceof OutputPathError ? e.message : describe(e)}); choose a writable path`);
  }
  return abs;
}

/** Like prepareOutputFile for a folder that will receive files (a site, results files). Returns the absolute path. */
export function prepareOutputDir(dir: string, flag: string): string {
  const abs = path.resolve(dir);
  try {
    makeDirs(abs);
    probe(abs);
  } catch (e) {
    throw new OutputPathError(`cannot write ${flag} ${dir} (${e instanceof OutputPathError ? e.message : describe(e)}); choose a writable folder`);
  }
  return abs;
}

function probe(dir: string): void {
  const tmp = path.join(dir, `.pushbench-probe-${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
  track(tmp);
  try {
    closeSync(openSync(tmp, 'wx'));
  } finally {
    rmSync(tmp, { force: true });
    untrack(tmp);
  }
}

/**
 * Builds a multi-file output (a site) in a temporary folder beside `outDir`, then moves it into place: a failure or
 * an interrupt while building leaves `outDir` as it was. Files already in `outDir` that the build does not produce
 * are kept (moved into the new folder).
 */
export async function writeDirAtomic(outDir: string, build: (dir: string) => Promise<void>): Promise<void> {
  const target = path.resolve(outDir);
  makeDirs(path.dirname(target));
  const tmp = tempBeside(target);
  track(tmp);
  try {
    mkdirSync(tmp);
    await build(tmp);
    if (abandoned.has(tmp)) throw new OutputPathError(`interrupted: ${outDir} was left as it was`);
    if (!existsSync(target)) {
      renameSync(tmp, target);
      return;
    }
    if (!statSync(target).isDirectory()) throw new OutputPathError(`${outDir} is not a folder`);
    // Keep what else lives in the folder (a README, an older run's page), then swap the folders.
    carryOver(target, tmp);
    const old = tempBeside(target);
    track(old);
    try {
      renameSync(target, old);
      try {
        renameSync(tmp, target);
      } catch (e) {
        renameSync(old, target);
        throw e;
      }
    } finally {
      rmSync(old, { recursive: true, force: true });
      untrack(old);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    untrack(tmp);
  }
}

/** Moves entries of `from` that `to` lacks into `to`, recursing into folders both have. */
function carryOver(from: string, to: string): void {
  for (const name of readdirSync(from)) {
    if (name.includes('.tmp-')) continue;
    const src = path.join(from, name);
    const dst = path.join(to, name);
    if (!existsSync(dst)) renameSync(src, dst);
    else if (lstatSync(src).isDirectory() && lstatSync(dst).isDirectory()) carryOver(src, dst);
  }
}

/** A name from a file may become a file name only if it is this plain: letters, digits, '.', '_', '-'; not dots only. */
export function isSafeName(name: unknown): name is string {
  return typeof name === 'string' && name.length > 0 && name.length <= 100 && /^[A-Za-z0-9._-]+$/.test(name) && !/^\.+$/.test(name) && !name.startsWith('.');
}

/**
 * `dir/name` for a name that passed isSafeName, checked once more after resolving that it is still inside `dir`.
 * Throws OutputPathError otherwise.
 */
export function pathInside(dir: string, name: string, what: string): string {
  if (!isSafeName(name)) {
    throw new OutputPathError(`${what} ${JSON.stringify(name).slice(0, 80)} cannot be a file name: use letters, digits, '.', '_' or '-'`);
  }
  const base = path.resolve(dir);
  const file = path.resolve(base, name);
  if (path.dirname(file) !== base || !file.startsWith(base + path.sep)) {
    throw new OutputPathError(`${what} ${JSON.stringify(name)} would leave ${dir}`);
  }
  return file;
}

/** Where a run's results file goes: `--json FILE`, or `<outDir>/<scenario>-<timestamp>.json`. */
export function resultsPath(options: RunOptions, startedAt: string): string {
  if (options.jsonFile) return path.resolve(options.jsonFile);
  const stamp = startedAt.replace(/[:.]/g, '-');
  const scenario = isSafeName(options.scenario) ? options.scenario : 'results';
  return pathInside(options.outDir, `${scenario}-${stamp}.json`, 'results file name');
}

/** A file as written: `kind` first (`results` unless it is another kind of file), so every file says what it is. */
export function resultsJson(results: ResultsFile | { kind: string }): string {
  const { kind, ...rest } = results as { kind?: string };
  return JSON.stringify({ kind: kind ?? 'results', ...rest }, null, 2) + '\n';
}

export function writeResults(results: ResultsFile, file: string): void {
  writeFileAtomic(file, resultsJson(results));
}

/**
 * After a run, when its results file could not be written where asked: the results go to the system temp folder
 * instead, so the measurement is not lost. Returns the path written.
 */
export function writeResultsFallback(results: ResultsFile, wanted: string): string {
  const name = path.basename(wanted).replace(/[^A-Za-z0-9._-]/g, '_') || 'results.json';
  const file = path.join(tmpdir(), `pushbench-${process.pid}-${Date.now()}-${name.endsWith('.json') ? name : `${name}.json`}`);
  writeResults(results, file);
  return file;
}
