/**
 * One option parser for every command. Each command describes its options in one table (flag, short flag, value
 * name, type, default, help); the same table parses the command line, checks values, and prints `--help`, and for
 * `run` it also checks scenario files, whose keys are the table's keys. Bad input is a one-line UsageError.
 *
 * Accepted forms: `--flag value`, `--flag=value`, `-f value`, `-fvalue`; booleans as `--flag`, `--flag=true|false`
 * and `--no-flag`; `--` ends the options. A value that looks like another flag (`--clients --duration 5`) is
 * refused instead of being taken as the value.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { UsageError } from './errors.js';
import { parseFaultSpec } from './faults/spec.js';
import { packageRoot } from './paths.js';
import { parseTransports } from './transports/registry.js';

/** What values an option takes. */
export type Spec =
  | { kind: 'int'; min: number; max: number }
  /** `auto`: the word auto is a value too (the planner chooses). */
  | { kind: 'number'; min: number; max: number; exclusiveMin?: boolean; auto?: boolean }
  | { kind: 'bool' }
  | { kind: 'string' }
  | { kind: 'choice'; choices: readonly string[] }
  /** Comma-separated non-empty strings. */
  | { kind: 'list' }
  | { kind: 'transports' }
  | { kind: 'host' }
  /** A fault as a JSON object (scenario file) or JSON text (command line): harness/faults/spec.ts. */
  | { kind: 'fault' };

/** One option of one command. */
export interface OptionDef {
  /** The key the value is stored under (for `run`: the scenario-file key and the RunOptions field). */
  key: string;
  spec: Spec;
  help: string;
  /** One-letter alias, e.g. '-c'. */
  short?: string;
  /** Name of the value in help, e.g. N, FILE, S. */
  value?: string;
  /** Default shown in help (when the command's defaults do not say it). */
  default?: unknown;
  /** May be given more than once; the values are collected in order. */
  multiple?: boolean;
}

/** Flag ('--clients') → definition. Extend a command by adding a row. */
export type OptionTable = Record<string, OptionDef>;

/** Flags every command understands. */
export const COMMON_FLAGS: OptionTable = {
  '--help': { key: 'help', spec: { kind: 'bool' }, help: 'show this help', short: '-h' },
};

/** Strict name of a scenario or header profile (it becomes a file name). */
export const SLUG = /^[a-z0-9][a-z0-9_-]{0,63}$/i;

/** A name or a path to a JSON file: paths contain a slash or end in .json; names must be slugs. */
export function isPathArgument(arg: string): boolean {
  return arg.includes('/') || arg.includes(path.sep) || arg.endsWith('.json');
}

function isLoopbackHost(h: string): boolean {
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/** Checks and converts one raw value (a command-line string or a scenario-file JSON value). */
export function coerce(name: string, spec: Spec, raw: unknown): unknown {
  const fail = (what: string): never => {
    throw new UsageError(`${name} must be ${what}, got ${JSON.stringify(raw)}`);
  };
  switch (spec.kind) {
    case 'int': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d[\d_]*$/.test(raw) ? Number(raw.replace(/_/g, '')) : NaN;
      if (!Number.isInteger(n) || n < spec.min || n > spec.max) fail(`a whole number from ${spec.min} to ${spec.max}`);
      return n;
    }
    case 'number': {
      if (spec.auto && raw === 'auto') return 'auto';
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?[\d_.]+(e[+-]?\d+)?$/i.test(raw.trim()) ? Number(raw.replace(/_/g, '')) : NaN;
      const lowOk = spec.exclusiveMin ? n > spec.min : n >= spec.min;
      if (!Number.isFinite(n) || !lowOk || n > spec.max) fail(`a number ${spec.exclusiveMin ? 'above' : 'from'} ${spec.min} ${spec.exclusiveMin ? 'and at most' : 'to'} ${spec.max}`);
      return n;
    }
    case 'bool':
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === 'false') return raw === 'true';
      return fail('true or false');
    case 'string':
      if (typeof raw !== 'string' || raw === '') fail('a non-empty string');
      return raw;
    case 'choice':
      if (typeof raw !== 'string' || !spec.choices.includes(raw)) fail(`one of ${spec.choices.join(', ')}`);
      return raw;
    case 'list': {
      const items = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(',').map((s) => s.trim()).filter(Boolean) : [];
      if (items.length === 0 || items.some((s) => s === '')) fail('a comma-separated list');
      return items;
    }
    case 'transports':
      if (!(typeof raw === 'string' || (Array.isArray(raw) && raw.every((t) => typeof t === 'string')))) fail('a comma-separated list of transport names');
      return parseTransports(Array.isArray(raw) ? raw.join(',') : (raw as string));
    case 'fault': {
      if (raw === null) return null;
      let value = raw;
      if (typeof raw === 'string') {
        try {
          value = JSON.parse(raw);
        } catch {
          fail('a JSON object such as {"kind":"server-restart","atS":4,"downS":2}');
        }
      }
      return parseFaultSpec(value, name);
    }
    case 'host': {
      if (typeof raw !== 'string' || !isLoopbackHost(raw)) {
        fail('a loopback address (127.x.y.z, ::1 or localhost): pushbench only loads servers it starts on this machine');
      }
      return raw;
    }
  }
}

export interface ParsedOptions {
  /** Given options, checked and converted, by key. Absent when not given. */
  values: Record<string, unknown>;
  positionals: string[];
  help: boolean;
}

/** Looks like a flag rather than a value: `--x`, or `-x` that is not a negative number and not `-` (stdout). */
function looksLikeFlag(arg: string): boolean {
  return arg.startsWith('--') || (/^-[a-z]/i.test(arg));
}

/** What a missing value should have been, in words where the value name says it. */
function whatValue(o: OptionDef): string {
  const words: Record<string, string> = { DIR: 'a directory', FILE: 'a file name', 'FILE|-': 'a file name (or - for stdout)', LIST: 'a comma-separated list' };
  return o.value && words[o.value] ? words[o.value]! : `a value${o.value ? ` (${o.value})` : ''}`;
}

/** Parses `argv` against the command's table. `command` names the command in error messages (`helpCommand` overrides the hint). */
export function parseOptions(table: OptionTable, argv: readonly string[], command: string, helpCommand = `pushbench ${command} --help`): ParsedOptions {
  const all: OptionTable = { ...COMMON_FLAGS, ...table };
  const shorts = new Map<string, string>();
  for (const [flag, o] of Object.entries(all)) if (o.short) shorts.set(o.short, flag);
  const values: Record<string, unknown> = {};
  const positionals: string[] = [];
  const see = `see ${helpCommand}`;
  const set = (flag: string, o: OptionDef, raw: unknown): void => {
    const v = coerce(flag, o.spec, raw);
    if (o.multiple) values[o.key] = [...((values[o.key] as unknown[]) ?? []), v];
    else values[o.key] = v;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!looksLikeFlag(arg)) {
      positionals.push(arg);
      continue;
    }
    let flag: string;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      flag = eq > 0 ? arg.slice(0, eq) : arg;
      inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    } else {
      const long = shorts.get(arg.slice(0, 2));
      if (!long) throw new UsageError(`unknown flag ${arg.slice(0, 2)}; ${see}`);
      flag = long;
      const rest = arg.slice(2);
      inline = rest === '' ? undefined : rest.startsWith('=') ? rest.slice(1) : rest;
    }
    let o = all[flag];
    if (!o && flag.startsWith('--no-')) {
      const positive = all[`--${flag.slice(5)}`];
      if (positive?.spec.kind === 'bool') {
        if (inline !== undefined) throw new UsageError(`${flag} takes no value; ${see}`);
        set(`--${flag.slice(5)}`, positive, false);
        continue;
      }
    }
    if (!o) throw new UsageError(`unknown flag ${flag}; ${see}`);
    if (o.spec.kind === 'bool') {
      set(flag, o, inline ?? true);
      continue;
    }
    let raw = inline;
    if (raw === undefined) {
      const next = argv[i + 1];
      if (next === undefined || looksLikeFlag(next)) {
        throw new UsageError(`${flag} needs ${whatValue(o)}: ${o.help}; ${see}`);
      }
      raw = next;
      i++;
    }
    if (raw === '' && o.spec.kind !== 'string') throw new UsageError(`${flag} needs ${whatValue(o)}: ${o.help}; ${see}`);
    set(flag, o, raw);
  }
  return { values, positionals, help: values.help === true };
}

/** True when the arguments ask for help (checked before anything else, so `--help` works beside bad flags). */
export function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  const head = end < 0 ? argv : argv.slice(0, end);
  return head.includes('--help') || head.includes('-h');
}

/** What `pushbench <command> --help` prints: one style for every command. */
export interface HelpText {
  usage: string;
  description: string;
  table: OptionTable;
  /** Defaults by key, shown as "(default X)" unless the row has its own. */
  defaults?: Record<string, unknown>;
  /** Extra sections, e.g. ['scenarios: quick, scale-1k']. */
  sections?: string[];
  examples: string[];
}

function showDefault(v: unknown): string | null {
  if (v === undefined || v === null || v === false || v === '') return null;
  if (Array.isArray(v)) return v.join(',');
  return String(v);
}

function valueName(o: OptionDef): string {
  if (o.spec.kind === 'bool') return '';
  if (o.value) return o.value;
  switch (o.spec.kind) {
    case 'int':
      return 'N';
    case 'number':
      return 'X';
    case 'transports':
      return 'LIST';
    case 'list':
      return 'LIST';
    case 'choice':
      return o.spec.choices.join('|');
    case 'host':
      return 'ADDR';
    default:
      return 'VALUE';
  }
}

/** Renders help in the one house style: usage, description, options with value names and defaults, examples. */
export function formatHelp(h: HelpText): string {
  const rows = Object.entries({ ...h.table, ...COMMON_FLAGS }).map(([flag, o]) => {
    const left = `${o.short ? `${o.short}, ` : '    '}${flag}${valueName(o) ? ` ${valueName(o)}` : ''}`;
    const d = showDefault(o.default !== undefined ? o.default : h.defaults?.[o.key]);
    return [left, `${o.help}${d !== null && o.spec.kind !== 'bool' ? ` (default ${d})` : ''}`] as const;
  });
  const width = Math.min(34, Math.max(...rows.map(([l]) => l.length)) + 2);
  const lines = [
    `usage: ${h.usage}`,
    '',
    ...h.description.split('\n'),
    '',
    'options:',
    ...rows.map(([l, r]) => (l.length + 2 > width ? `  ${l}\n  ${' '.repeat(width)}${r}` : `  ${l.padEnd(width)}${r}`)),
  ];
  for (const s of h.sections ?? []) lines.push('', s);
  if (h.examples.length > 0) lines.push('', 'examples:', ...h.examples.map((e) => `  ${e}`));
  return lines.join('\n') + '\n';
}

/** The package version, for --version. */
export function packageVersion(): string {
  const file = path.join(packageRoot, 'package.json');
  if (!existsSync(file)) return 'unknown';
  return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? 'unknown';
}
