/** Shared by the tests: small run options over the documented defaults. */
import { DEFAULTS } from '../harness/run/scenario.js';
import type { RunOptions } from '../results/types.js';

export function smallRun(overrides: Partial<RunOptions> = {}): RunOptions {
  return { ...DEFAULTS, scenario: 'test', clients: 100, durationS: 3, rate: 1, drainTimeoutMs: 5000, ...overrides };
}
