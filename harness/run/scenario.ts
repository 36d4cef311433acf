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
import { listProfiles, loadProfile } from '../protocol/profiles.js';
import { coerce, isPathArgument, parseOptions, SLUG, type OptionTable } from '../options.js';
import { checkServerOptions } from '../servers/kinds.js';
import { parseTarget } from '../servers/external/target.js';
import { PUBLISH_PATTERNS, TRANSPORT_NAMES, type RunOptions } from '../../results/types.js';
import { checkFaultFits } from '../faults/spec.js';

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
  pattern: 'broadcast',
};

export function listScenarios(dir = scenariosDir): string[] {
  return listJsonNames(dir);
}

/**
 * Every run option: its flag, its scenario-file key, and what values it takes. Add a row to add an option: the
 * command line, scenario files and `run --help` all read this table.
 */
const OPTIONS: OptionTable = {
  '--transports': { key: 'transports', spec: { kind: 'transports' }, help: 'comma-separated transport names', short: '-t', value: 'LIST' },
  '--clients': { key: 'clients', spec: { kind: 'int', min: 1, max: 1_000_000 }, help: 'simulated clients per transport', short: '-c', value: 'N' },
  '--rate': { key: 'rate', spec: { kind: 'number', min: 0, max: 10_000, exclusiveMin: true }, help: 'messages published per second', short: '-r', value: 'MSG/S' },
  '--payload': { key: 'payloadBytes', spec: { kind: 'int', min: MIN_PAYLOAD_BYTES, max: MAX_PAYLOAD_BYTES }, help: 'bytes per message body', short: '-p', value: 'BYTES' },
  '--duration': { key: 'durationS', spec: { kind: 'number', min: 0, max: 86_400, exclusiveMin: true }, help: 'seconds of publishing', short: '-d', value: 'S' },
  '--warmup': { key: 'warmupS', spec: { kind: 'number', min: 0, max: 86_400 }, help: 'first seconds of publishing left out of latency', value: 'S' },
  '--profile': { key: 'profile', spec: { kind: 'string' }, help: 'header profile: a name in scenarios/profiles/ or a path to a JSON file', value: 'NAME|FILE' },
  '--interval-ms': { key: 'intervalMs', spec: { kind: 'int', min: 10, max: 3_600_000 }, help: 'short polling interval', value: 'MS' },
  '--long-poll-timeout-ms': { key: 'longPollTimeoutMs', spec: { kind: 'int', min: 100, max: 600_000 }, help: 'long polling hold time', value: 'MS' },
  '--permessage-deflate': { key: 'perMessageDeflate', spec: { kind: 'bool' }, help: 'WebSocket compression (RFC 7692)' },
  '--tls': { key: 'tls', spec: { kind: 'bool' }, help: 'every transport over TLS 1.3 (HTTPS, WSS), certificate made for the run' },
  '--connect-rate': { key: 'connectRate', spec: { kind: 'number', min: 0, max: 1_000_000, auto: true }, help: 'new connections per second, 0 = all at once, auto = planned', value: 'N/S|auto' },
  '--pattern': {
    key: 'pattern',
    spec: { kind: 'choice', choices: PUBLISH_PATTERNS },
    help: "when each client's message is due: broadcast (every client at once, one room) or staggered (each client at its own phase within 1/rate)",
  },
  '--cpu-split': { key: 'cpuSplit', spec: { kind: 'bool' }, help: 'pin servers and clients to disjoint cores (taskset)' },
  '--host': { key: 'host', spec: { kind: 'host' }, help: 'loopback address the servers bind', value: 'ADDR' },
  '--port': { key: 'port', spec: { kind: 'int', min: 0, max: 65_535 }, help: 'server port, 0 = any free port', value: 'N' },
  '--workers': { key: 'workers', spec: { kind: 'int', min: 0, max: 256 }, help: 'client worker processes, 0 = planned', value: 'N' },
  '--server-processes': { key: 'serverProcesses', spec: { kind: 'int', min: 0, max: 64 }, help: 'server processes behind one port, 0 = planned', value: 'N' },
  '--drain-timeout-ms': { key: 'drainTimeoutMs', spec: { kind: 'int', min: 100, max: 600_000 }, help: 'wait for late messages', value: 'MS' },
  '--out': { key: 'outDir', spec: { kind: 'string' }, help: 'directory for results files', value: 'DIR' },
  '--json': { key: 'jsonFile', spec: { kind: 'string' }, help: 'exact results file path; - writes the results to stdout (tables go to stderr)', short: '-j', value: 'FILE|-' },
  '--repeat': { key: 'repeat', spec: { kind: 'int', min: 1, max: 1000 }, help: 'measure each transport N times, interleaved', value: 'N' },
  '--fault': { key: 'fault', spec: { kind: 'fault' }, help: 'a fault during the window, as JSON (scenarios/faults-*.json, docs/faults.md)', value: 'JSON' },
  '--resume': { key: 'resume', spec: { kind: 'bool' }, help: 'clients resume from their last message after a reconnect (default; --no-resume: they start over)', default: true },
  '--heartbeat-ms': { key: 'heartbeatMs', spec: { kind: 'int', min: 0, max: 600_000 }, help: 'heartbeats/pings and client liveness timeouts, 0 = off', value: 'MS' },
  '--inject-server-cost-us': { key: 'injectServerCostUs', spec: { kind: 'int', min: 0, max: 1_000_000 }, help: 'testing only: busy-wait per message written', value: 'US' },
  '--server': { key: 'server', spec: { kind: 'string' }, help: 'what the clients talk to: embedded, nchan, socketio or external', value: 'KIND' },
  '--target': { key: 'target', spec: { kind: 'string' }, help: 'external: the server\'s base URL (loopback only)', value: 'URL' },
  '--publish-url': { key: 'publishUrl', spec: { kind: 'string' }, help: 'external: where messages are POSTed (default <target>/publish)', value: 'URL' },
  '--server-pid': { key: 'serverPid', spec: { kind: 'int', min: 1, max: 4_194_304 }, help: 'external: measure this process\'s CPU and memory', value: 'PID' },
  '--server-cmd': { key: 'serverCmd', spec: { kind: 'string' }, help: 'external: start the server with this command, stop it after', value: 'CMD' },
  '--allow-remote': { key: 'allowRemote', spec: { kind: 'bool' }, help: 'external: allow a target off loopback (real traffic)' },
};

export const RUN_FLAGS = OPTIONS;

/** Flags of the run command itself, not run options: not allowed in scenario files. */
export const RUN_COMMAND_FLAGS: OptionTable = {
  '--dashboard': { key: 'dashboard', spec: { kind: 'bool' }, help: 'serve a live dashboard (and OpenMetrics at /metrics) on 127.0.0.1 during the run' },
  '--report': { key: 'report', spec: { kind: 'bool' }, help: 'write the HTML report after the run (--no-report: do not)', default: true },
  '--quiet': { key: 'quiet', spec: { kind: 'bool' }, help: 'no progress on stderr; errors and the tables still print', short: '-q' },
};

/** A scenario file's checked options and the name the run records (its "name" key, else the file name). */
export interface ScenarioFile {
  name: string;
  options: Partial<RunOptions>;
  description?: string;
}

/**
 * Reads a scenario by name (scenarios/NAME.json; the name must be a slug) or by path (contains a slash or ends in
 * .json), and checks every key against the run option table.
 */
export function readScenario(arg: string, dir = scenariosDir): ScenarioFile {
  const byPath = isPathArgument(arg);
  if (!byPath && !SLUG.test(arg)) {
    throw new UsageError(`"${arg}" is not a scenario name (letters, digits, - and _) or a path to a .json file; available: ${listScenarios(dir).join(', ')}`);
  }
  const file = byPath ? path.resolve(arg) : path.join(dir, `${arg}.json`);
  const label = byPath ? arg : `scenarios/${arg}.json`;
  const raw = readJsonFile(file, {
    unreadable: (e) =>
      byPath
        ? `cannot read scenario file ${arg} (${e.code ?? 'unreadable'}); give a path to a JSON file or a name: ${listScenarios(dir).join(', ')}`
        : // A study has a command of its own (its data is not run options): say which, rather than "unknown".
          existsSync(path.join(studiesDir, `${arg}.json`))
          ? `"${arg}" is a study, not a run scenario: run it with pushbench ${arg}`
          : `unknown scenario "${arg}"; available: ${listScenarios(dir).join(', ') || 'none'} (files in ${dir}), or give a path to a .json file`,
    invalid: (e) => `${label} is not valid JSON: ${e.message}`,
  });
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new UsageError(`${label} must hold a JSON object of run options, got ${raw === null ? 'null' : Array.isArray(raw) ? 'an array' : typeof raw}`);
  }
  const out: Record<string, unknown> = {};
  const byKey = new Map(Object.entries(OPTIONS).map(([flag, o]) => [o.key, { flag, ...o }]));
  const obj = raw as Record<string, unknown>;
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'name' || k === 'description' || k.startsWith('$')) continue;
    const o = byKey.get(k);
    if (!o) throw new UsageError(`${label}: unknown key "${k}"; known keys: ${[...byKey.keys()].join(', ')}`);
    out[k] = coerce(`${label}: ${k}`, o.spec, v);
  }
  // A profile path in a scenario file is relative to that file, not to wherever pushbench was started.
  if (byPath && typeof out.profile === 'string' && isPathArgument(out.profile) && !path.isAbsolute(out.profile)) {
    out.profile = path.resolve(path.dirname(file), out.profile);
  }
  let name = byPath ? path.basename(file).replace(/\.json$/, '') : arg;
  if (byPath && obj.name !== undefined) {
    if (typeof obj.name !== 'string' || !SLUG.test(obj.name)) throw new UsageError(`${label}: "name" must be letters, digits, - and _ (it names the results file), got ${JSON.stringify(obj.name)}`);
    name = obj.name;
  }
  if (!SLUG.test(name)) throw new UsageError(`${label}: the file name makes no scenario name; add "name": "my-scenario" to the file`);
  return { name, options: out as Partial<RunOptions>, ...(typeof obj.description === 'string' ? { description: obj.description } : {}) };
}

/** The checked options of a scenario file (see readScenario). */
export function loadScenarioFile(name: string, dir = scenariosDir): Partial<RunOptions> & { description?: string } {
  return readScenario(name, dir).options;
}

export interface ParsedRunArgs {
  options: RunOptions;
  /** Flags the harness itself handles (not run options). */
  dashboard: boolean;
  report: boolean;
  quiet: boolean;
}

/** `pushbench run <scenario> [flags]` → validated options. Throws UsageError on anything wrong. */
export function parseRunArgs(argv: string[]): ParsedRunArgs {
  const { values, positionals } = parseOptions({ ...OPTIONS, ...RUN_COMMAND_FLAGS }, argv, 'run');
  if (positionals.length === 0) throw new UsageError(`name a scenario: pushbench run <scenario>; available: ${listScenarios().join(', ')}`);
  if (positionals.length > 1) throw new UsageError(`one scenario at a time; got ${positionals.join(', ')}`);
  const scenario = readScenario(positionals[0]!);
  const options: RunOptions = { scenario: scenario.name, ...DEFAULTS, ...scenario.options };
  for (const o of Object.values(OPTIONS)) {
    if (o.key in values) (options as unknown as Record<string, unknown>)[o.key] = values[o.key];
  }
  options.profile = checkProfile(options.profile);
  if (Math.round(options.rate * options.durationS) < 1) {
    throw new UsageError(`--rate ${options.rate} for --duration ${options.durationS} publishes no message; raise one of them`);
  }
  if ((options.warmupS ?? 0) >= options.durationS) {
    throw new UsageError(`--warmup ${options.warmupS} leaves nothing of --duration ${options.durationS} to measure; make it shorter than the duration`);
  }
  if (options.workers > options.clients) {
    throw new UsageError(`--workers ${options.workers} is more than the ${options.clients} clients; use at most ${options.clients}`);
  }
  if (options.pattern === 'staggered' && options.server !== undefined && options.server !== 'embedded') {
    throw new UsageError(
      `--pattern staggered needs pushbench's own servers: --server ${options.server} publishes each message to one channel that every subscriber gets at once, so it cannot give each client its own phase; leave out one of them`,
    );
  }
  checkServerOptions(options, 'transports' in values);
  if (options.target) parseTarget('--target', options.target, options.allowRemote === true);
  if (options.publishUrl) parseTarget('--publish-url', options.publishUrl, options.allowRemote === true);
  checkFaultFits(options);
  if (options.tls && options.server !== undefined && options.server !== 'embedded') {
    throw new UsageError(`--tls works with pushbench's own servers only, not --server ${options.server}; leave out one of them`);
  }
  if (options.drainTimeoutMs < 2 * options.intervalMs && options.transports.includes('short-polling')) {
    options.drainTimeoutMs = 2 * options.intervalMs + 1000;
  }
  return { options, dashboard: values.dashboard === true, report: values.report !== false, quiet: values.quiet === true };
}

/**
 * A header profile by name (a slug: scenarios/profiles/NAME.json) or by path (made absolute, so the child
 * processes, which load it again, find the same file). Loads it once to fail before anything starts.
 */
export function checkProfile(arg: string): string {
  if (isPathArgument(arg)) {
    const file = path.resolve(arg);
    loadProfile(file);
    return file;
  }
  if (!SLUG.test(arg)) throw new UsageError(`--profile "${arg}" is not a profile name (letters, digits, - and _) or a path to a .json file; available: ${listProfiles().join(', ')}`);
  loadProfile(arg);
  return arg;
}
