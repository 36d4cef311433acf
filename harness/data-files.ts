/**
 * The JSON files the harness reads as input — scenarios, header profiles, studies, policies, results to compare —
 * listed and read alike: a file that cannot be read or parsed is bad input, one line saying which and what to do.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { UsageError } from './errors.js';

/** Names of the `*.json` files in `dir`, without the extension, sorted; none when the directory cannot be read. */
export function listJsonNames(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
  } catch {
    return [];
  }
}

/** The caller's one line for each way reading a file can fail. */
export interface JsonFileMessages {
  /** The file cannot be read (missing, a directory, no permission). */
  unreadable(e: NodeJS.ErrnoException): string;
  /** The file is not JSON. */
  invalid(e: Error): string;
}

/** Reads and parses a JSON file; throws a UsageError with the caller's message when either step fails. */
export function readJsonFile(file: string, say: JsonFileMessages): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(say.unreadable(e as NodeJS.ErrnoException));
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(say.invalid(e as Error));
  }
}
