/**
 * Scenarios are data (scenarios/NAME.json); flags override them; everything is validated before anything starts.
 * One flat options object merged over documented defaults, as autocannon does it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { listJsonNames, readJsonFile } from '../data-files.js';
import { UsageError } from '../errors.js';
import { MAX_PAYLOAD_BYTES, MIN_PAYLOAD_BYTES } from '../protocol/feed.js';
import { scenariosDir, studiesDir } from '../paths.js';
import { loadProfile } from '../protocol/profiles.js';
import { parseTransports } from '../transports/registry.js';
import { TRANSPORT_NAMES, type RunOptions } from '../../results/types.js';

/** The defaults every scenario starts from (README.md documents them). */
export const DEFAULTS: Omit<RunOptions, 'scenario'> = {
  transports: [...TRANSPORT_NAMES],
  clients: 1000,
  rate: 1,
  payloadBytes: 21,
  durationS: 10,
  profile: 'minimal',
  intervalMs: 1000,
  longPollTimeoutMs: 30_000,
  perMessageDeflate: false,
  tls: false,
  connectRate: 'auto',
  host: '127.0.0.1',
  port: 0,
  workers: 0,
  serverProcesses: 0,
  drainTimeoutMs: 10_000,
  outDir: 'results',
  jsonFile: null,
  repeat: 1,
  injectServerCostUs: 0,
  warmupS: 0,
};

export function listScenarios(dir = scenariosDir): string[] {
  return listJsonNames(dir);
}

type Spec =
  | { kind: 'int'; min: number; max: number }
  | { kind: 'number'; min: number; max: number; exclusiveMin?: boolean; auto?: boolean }
  | { kind: 'bool' }
  | { kind: 'string' }
  | { kind: 'transports' }
  | { kind: 'host' };

/** Every option: its flag, its scenario-file key, and what values it takes. */
const OPTIONS: Record<string, { key: keyof RunOptions; spec: Spec; help: string }> = {
  '--transports': { key: 'transports', spec: { kind: 'transports' }, help: 'comma-separated transport names' },
  '--clients': { key: 'clients', spec: { kind: 'int', min: 1, max: 1_000_000 }, help: 'simulated clients per transport' },
  '--rate': { key: 'rate', spec: { kind: 'number', min: 0, max: 10_000, exclusiveMin: true }, help: 'messages published per second' },
  '--payload': { key: 'payloadBytes', spec: { kind: 'int', min: MIN_PAYLOAD_BYTES, max: MAX_PAYLOAD_BYTES }, help: 'bytes per message body' },
  '--duration': { key: 'durationS', spec: { kind: 'number', min: 0, max: 86_400, exclusiveMin: true }, help: 'seconds of publishing' },
  '--warmup': { key: 'warmupS', spec: { kind: 'number', min: 0, max: 86_400 }, help: 'first seconds of publishing left out of latency' },
  '--profile': { key: 'profile', spec: { kind: 'string' }, help: 'header profile (scenarios/profiles/NAME.json)' },
  '--interval-ms': { key: 'intervalMs', spec: { kind: 'int', min: 10, max: 3_600_000 }, help: 'short polling interval' },
  '--long-poll-timeout-ms': { key: 'longPollTimeoutMs', spec: { kind: 'int', min: 100, max: 600_000 }, help: 'long polling hold time' },
  '--permessage-deflate': { key: 'perMessageDeflate', spec: { kind: 'bool' }, help: 'WebSocket compression (RFC 7692)' },
  '--tls': { key: 'tls', spec: { kind: 'bool' }, help: 'every transport over TLS 1.3 (HTTPS, WSS), certificate made for the run' },
  '--connect-rate': { key: 'connectRate', spec: { kind: 'number', min: 0, max: 1_000_000, auto: true }, help: 'new connections per second, 0 = all at once, auto (default) = planned' },
  '--cpu-split': { key: 'cpuSplit', spec: { kind: 'bool' }, help: 'pin servers and clients to disjoint cores (taskset)' },
  '--host': { key: 'host', spec: { kind: 'host' }, help: 'loopback address the servers bind' },
  '--port': { key: 'port', spec: { kind: 'int', min: 0, max: 65_535 }, help: 'server port, 0 = any free port' },
  '--workers': { key: 'workers', spec: { kind: 'int', min: 0, max: 256 }, help: 'client worker processes, 0 = planned' },
  '--server-processes': { key: 'serverProcesses', spec: { kind: 'int', min: 0, max: 64 }, help: 'server processes behind one port, 0 = planned' },
  '--drain-timeout-ms': { key: 'drainTimeoutMs', spec: { kind: 'int', min: 100, max: 600_000 }, help: 'wait for late messages' },
  '--out': { key: 'outDir', spec: { kind: 'string' }, help: 'directory for results files' },
  '--json': { key: 'jsonFile', spec: { kind: 'string' }, help: 'exact results file path' },
  '--repeat': { key: 'repeat', spec: { kind: 'int', min: 1, max: 1000 }, help: 'measure each transport N times, interleaved' },
  '--inject-server-cost-us': { key: 'injectServerCostUs', spec: { kind: 'int', min: 0, max: 1_000_000 }, help: 'testing only: busy-wait per message written' },
};

export const RUN_FLAGS = OPTIONS;

function coerce(name: string, spec: Spec, raw: unknown): unknown {
  const fail = (what: string): never => {
    throw new UsageError(`${name} must be ${what}, got ${JSON.stringify(raw)}`);
  };
  switch (spec.kind) {
    case 'int': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw.replace(/_/g, '')) ? Number(raw.replace(/_/g, '')) : NaN;
      if (!Number.isInteger(n) || n < spec.min || n > spec.max) fail(`a whole number from ${spec.min} to ${spec.max}`);
      return n;
    }
    case 'number': {
      if (spec.auto && raw === 'auto') return 'auto';
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
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
    case 'transports':
      return parseTransports(Array.isArray(raw) ? raw.join(',') : String(raw));
    case 'host': {
      const h = String(raw);
      if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) && h !== '::1' && h !== 'localhost') {
        fail('a loopback address (127.0.0.1, ::1 or localhost): pushbench only loads servers it starts on this machine');
      }
      return h;
    }
  }
}

export function loadScenarioFile(name: string, dir = scenariosDir): Partial<RunOptions> & { description?: string } {
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(name)) throw new UsageError(`"${name}" is not a scenario name; available: ${listScenarios(dir).join(', ')}`);
  const raw = readJsonFile(path.join(dir, `${name}.json`), {
    // A study has a command of its own (its data is not run options): say which, rather than "unknown".
    unreadable: () =>
      existsSync(path.join(studiesDir, `${name}.json`))
        ? `"${name}" is a study, not a run scenario: run it with pushbench ${name}`
        : `unknown scenario "${name}"; available: ${listScenarios(dir).join(', ') || 'none'} (files in ${dir})`,
    invalid: (e) => `scenarios/${name}.json is not valid JSON: ${e.message}`,
  }) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const byKey = new Map(Object.entries(OPTIONS).map(([flag, o]) => [o.key as string, { flag, ...o }]));
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'name' || k === 'description' || k.startsWith('$')) continue;
    const o = byKey.get(k);
    if (!o) throw new UsageError(`scenarios/${name}.json: unknown key "${k}"; known keys: ${[...byKey.keys()].join(', ')}`);
    out[k] = coerce(`scenarios/${name}.json: ${k}`, o.spec, v);
  }
  return out as Partial<RunOptions>;
}

export interface ParsedRunArgs {
  options: RunOptions;
  /** Flags the harness itself handles (not run options). */
  dashboard: boolean;
  report: boolean;
}

/** `pushbench run <scenario> [flags]` → validated options. Throws UsageError on anything wrong. */
export function parseRunArgs(argv: string[]): ParsedRunArgs {
  const positional: string[] = [];
  const flags: Record<string, unknown> = {};
  let dashboard = false;
  let report = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (name === '--dashboard') dashboard = true;
    else if (name === '--no-report') report = false;
    else if (name === '--no-permessage-deflate') flags['--permessage-deflate'] = false;
    else if (name === '--no-tls') flags['--tls'] = false;
    else {
      const o = OPTIONS[name];
      if (!o) throw new UsageError(`unknown flag ${name}; see pushbench run --help`);
      if (o.spec.kind === 'bool' && eq < 0) flags[name] = true;
      else {
        const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
        if (value === undefined) throw new UsageError(`${name} needs a value (${o.help})`);
        flags[name] = value;
      }
    }
  }
  if (positional.length === 0) throw new UsageError(`name a scenario: pushbench run <scenario>; available: ${listScenarios().join(', ')}`);
  if (positional.length > 1) throw new UsageError(`one scenario at a time; got ${positional.join(', ')}`);
  const scenario = positional[0]!;
  const options: RunOptions = { scenario, ...DEFAULTS, ...loadScenarioFile(scenario) };
  for (const [flag, value] of Object.entries(flags)) {
    const o = OPTIONS[flag]!;
    (options as unknown as Record<string, unknown>)[o.key] = coerce(flag, o.spec, value);
  }
  loadProfile(options.profile);
  if (Math.round(options.rate * options.durationS) < 1) {
    throw new UsageError(`--rate ${options.rate} for --duration ${options.durationS} publishes no message; raise one of them`);
  }
  if ((options.warmupS ?? 0) >= options.durationS) {
    throw new UsageError(`--warmup ${options.warmupS} leaves nothing of --duration ${options.durationS} to measure; make it shorter than the duration`);
  }
  if (options.drainTimeoutMs < 2 * options.intervalMs && options.transports.includes('short-polling')) {
    options.drainTimeoutMs = 2 * options.intervalMs + 1000;
  }
  return { options, dashboard, report };
}
