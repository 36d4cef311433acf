import { OutputPathError, ResultsInputError } from '../results/errors.js';

/**
 * Exit codes, documented in README.md:
 *   0  the run completed (faults during it are counted in the results, not thrown)
 *   1  the run completed but a transport errored or a check failed
 *   2  usage or input error: nothing was started
 *   3  environment error: a port in use, a limit too low, a child process that could not start; or a finished
 *      run's results could not be written where asked (they went to the system temp folder instead)
 *   130 interrupted (Ctrl-C)
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, environment: 3, interrupted: 130 } as const;

/** Bad input: one line that says what is wrong and how to fix it. Nothing has been started. */
export class UsageError extends Error {
  readonly exitCode: number = EXIT.usage;
  override name = 'UsageError';
}

/** The machine cannot do what was asked (port in use, open-files limit); the message names the fix. */
export class EnvironmentError extends Error {
  readonly exitCode: number = EXIT.environment;
  override name = 'EnvironmentError';
}

/** The results module's own errors, as the command line sees them: bad input files and output paths are usage errors. */
export function toUsageError(e: unknown): unknown {
  if (e instanceof ResultsInputError || e instanceof OutputPathError) {
    const u = new UsageError(e.message);
    u.stack = e.stack;
    return u;
  }
  return e;
}

/** Runs `fn`, turning the results module's input and output-path errors into UsageErrors (exit 2). */
export function asUsage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw toUsageError(e);
  }
}

/** Async asUsage. */
export async function asUsageAsync<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toUsageError(e);
  }
}

/** The exit code an error thrown out of a command stands for, or null for an internal error (a bug). */
export function exitCodeOf(e: unknown): number | null {
  const mapped = toUsageError(e);
  if (mapped instanceof UsageError || mapped instanceof EnvironmentError) return mapped.exitCode;
  return null;
}
