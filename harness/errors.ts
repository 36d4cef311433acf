/**
 * Exit codes, documented in README.md:
 *   0  the run completed (faults during it are counted in the results, not thrown)
 *   1  the run completed but a transport errored or a check failed
 *   2  usage or input error: nothing was started
 *   3  environment error: a port in use, a limit too low, a child process that could not start
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
