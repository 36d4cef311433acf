/**
 * Types of the comparison and micro-benchmark files. Their layouts live in results/ (micro.ts, comparison.ts) with
 * every other file pushbench writes; re-exported here for the comparison engine.
 */
export * from '../../results/micro.js';
export * from '../../results/comparison.js';
import { COMPARISON_SCHEMA_VERSION } from '../../results/comparison.js';

/** Version of the micro-benchmark and comparison file layouts (both 1). */
export const COMPARE_SCHEMA_VERSION = COMPARISON_SCHEMA_VERSION;
