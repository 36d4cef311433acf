/**
 * The one reader of pushbench's files: results (`pushbench run`, `capacity`), micro-benchmarks, kaazing studies.
 * Every field any command reads is checked, types included, before anything uses it, so a damaged or hostile file
 * is one line naming the file and the field (ResultsInputError, exit 2), never an internal error half-way through
 * a report. Fields unknown to this version are ignored, so newer files with additions still read.
 *
 * Old forms still read: results files without `kind`, kaazing files with `study: 'kaazing'` and `version: 1`.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { ResultsInputError } from './errors.js';
import { COMPARISON_SCHEMA_VERSION, type ComparisonFile } from './comparison.js';
import { FLOOR_SCHEMA_VERSION, type FloorResults } from './floor.js';
import { KAAZING_SCHEMA_VERSION, type KaazingResults } from './kaazing.js';
import { MICRO_SCHEMA_VERSION, type MicroResultsFile } from './micro.js';
import { PUBLISH_PATTERNS, READABLE_SCHEMA_VERSIONS, TRANSPORT_NAMES, type FaultKind, type ResultsFile } from './types.js';

/** Every kind of file pushbench writes. */
export type FileKind = 'results' | 'micro' | 'kaazing' | 'floor' | 'comparison';

export type AnyFile = ResultsFile | MicroResultsFile | KaazingResults | FloorResults | ComparisonFile;

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A value as an error message shows it: JSON, short, one line, no control characters. */
function show(v: unknown): string {
  let s: string;
  if (v === undefined) return 'nothing';
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  if (Array.isArray(v)) s = `a list (${s.length > 30 ? `${s.slice(0, 30)}…` : s})`;
  else if (isObj(v)) s = 'an object';
  return oneLine(s.length > 40 ? `${s.slice(0, 40)}…` : s);
}

/** Text from a file or a path, safe to print in a one-line message: control characters become '?'. */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
}

const HINT: Record<FileKind, string> = {
  results: 'pass a results file written by pushbench run (re-record it if it was edited)',
  micro: 'pass a file written by npm run bench:micro (re-record it if it was edited)',
  kaazing: 'pass the file pushbench kaazing wrote (re-record it if it was edited)',
  floor: 'measure it again with pushbench floor',
  comparison: 'pass the results files that were compared, or compare them again',
};

/** Walks one parsed file, remembering where it is, and fails with the file and the field. */
class Check {
  constructor(
    readonly file: string,
    readonly kind: FileKind,
  ) {}

  fail(field: string, want: string, got: unknown): never {
    throw new ResultsInputError(`${oneLine(this.file)}: ${field} must be ${want}, got ${show(got)}; ${HINT[this.kind]}`, this.file, field);
  }

  obj(v: unknown, field: string): Obj {
    if (!isObj(v)) this.fail(field, 'an object', v);
    return v;
  }

  field(o: Obj, key: string, at: string): { v: unknown; f: string } {
    return { v: Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined, f: at ? `${at}.${key}` : key };
  }

  num(o: Obj, key: string, at: string, opts: { int?: boolean; min?: number; optional?: boolean; nullable?: boolean } = {}): void {
    const { v, f } = this.field(o, key, at);
    if (v === undefined && opts.optional) return;
    if (v === null && opts.nullable) return;
    const want = `${opts.int ? 'a whole number' : 'a number'}${opts.min !== undefined ? ` of at least ${opts.min}` : ''}${opts.nullable ? ' or null' : ''}`;
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(f, want, v);
    if (opts.int && !Number.isInteger(v)) this.fail(f, want, v);
    if (opts.min !== undefined && v < opts.min) this.fail(f, want, v);
  }

  nums(o: Obj, keys: string[], at: string, opts: { int?: boolean; min?: number; optional?: boolean } = {}): void {
    for (const k of keys) this.num(o, k, at, opts);
  }

  str(o: Obj, key: string, at: string, opts: { optional?: boolean; nullable?: boolean; nonEmpty?: boolean } = {}): void {
    const { v, f } = this.field(o, key, at);
    if (v === undefined && opts.optional) return;
    if (v === null && opts.nullable) return;
    if (typeof v !== 'string' || (opts.nonEmpty && v.length === 0)) this.fail(f, `${opts.nonEmpty ? 'a non-empty' : 'a'} string${opts.nullable ? ' or null' : ''}`, v);
  }

  bool(o: Obj, key: string, at: string, opts: { optional?: boolean } = {}): void {
    const { v, f } = this.field(o, key, at);
    if (v === undefined && opts.optional) return;
    if (typeof v !== 'boolean') this.fail(f, 'true or false', v);
  }

  oneOf(o: Obj, key: string, at: string, values: readonly unknown[]): void {
    const { v, f } = this.field(o, key, at);
    if (!values.includes(v)) this.fail(f, `one of ${values.map((x) => JSON.stringify(x)).join(', ')}`, v);
  }

  sub(o: Obj, key: string, at: string, opts: { optional?: boolean; nullable?: boolean } = {}): Obj | null {
    const { v, f } = this.field(o, key, at);
    if (v === undefined && opts.optional) return null;
    if (v === null && opts.nullable) return null;
    return this.obj(v, f);
  }

  list(o: Obj, key: string, at: string, opts: { optional?: boolean } = {}): unknown[] | null {
    const { v, f } = this.field(o, key, at);
    if (v === undefined && opts.optional) return null;
    if (!Array.isArray(v)) this.fail(f, 'a list', v);
    return v;
  }

  numList(o: Obj, key: string, at: string, opts: { optional?: boolean; nullable?: boolean } = {}): void {
    const l = this.list(o, key, at, opts);
    if (!l) return;
    l.forEach((x, i) => {
      if (x === null && opts.nullable) return;
      if (typeof x !== 'number' || !Number.isFinite(x)) this.fail(`${at}.${key}[${i}]`, `a number${opts.nullable ? ' or null' : ''}`, x);
    });
  }

  strList(o: Obj, key: string, at: string, opts: { optional?: boolean } = {}): void {
    const l = this.list(o, key, at, opts);
    l?.forEach((x, i) => {
      if (typeof x !== 'string') this.fail(`${at}.${key}[${i}]`, 'a string', x);
    });
  }

  /** A map of counts by name (connection errors by code). */
  counts(o: Obj, key: string, at: string, opts: { optional?: boolean } = {}): void {
    const m = this.sub(o, key, at, opts);
    if (!m) return;
    for (const k of Object.keys(m)) this.num(m, k, `${at}.${key}`, { min: 0 });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Results files

/** The environment; `machineOnly` (floor files) needs just what picks a floor for a machine: CPU model and count. */
function environment(c: Check, o: Obj, at: string, machineOnly = false): void {
  const e = c.sub(o, 'environment', at)!;
  const f = at ? `${at}.environment` : 'environment';
  c.str(e, 'cpuModel', f);
  c.num(e, 'cpuCount', f, { int: true, min: 0 });
  for (const k of ['node', 'os', 'arch', 'pushbenchVersion']) c.str(e, k, f, { optional: machineOnly });
  c.num(e, 'totalMemoryBytes', f, { min: 0, optional: machineOnly });
  c.num(e, 'openFilesLimit', f, { nullable: true, optional: true });
  c.str(e, 'commit', f, { nullable: true, optional: true });
  const dirty = c.field(e, 'dirty', f);
  if (dirty.v !== undefined && dirty.v !== null && typeof dirty.v !== 'boolean') c.fail(dirty.f, 'true, false or null', dirty.v);
  c.str(e, 'command', f, { optional: true });
}

function options(c: Check, o: Obj): void {
  const op = c.sub(o, 'options', '')!;
  const f = 'options';
  c.str(op, 'scenario', f);
  c.strList(op, 'transports', f);
  c.num(op, 'clients', f, { int: true, min: 0 });
  c.nums(op, ['rate', 'payloadBytes', 'durationS', 'intervalMs', 'longPollTimeoutMs', 'port', 'workers', 'drainTimeoutMs'], f, { min: 0 });
  if (op.connectRate !== 'auto') c.num(op, 'connectRate', f, { min: 0 });
  c.bool(op, 'cpuSplit', f, { optional: true });
  c.num(op, 'repeat', f, { int: true, min: 1 });
  c.num(op, 'injectServerCostUs', f, { min: 0, optional: true });
  c.nums(op, ['serverProcesses', 'warmupS'], f, { min: 0, optional: true });
  c.str(op, 'profile', f);
  c.str(op, 'host', f);
  c.str(op, 'outDir', f, { optional: true });
  c.str(op, 'jsonFile', f, { nullable: true, optional: true });
  c.bool(op, 'perMessageDeflate', f);
  const fault = c.sub(op, 'fault', f, { optional: true, nullable: true });
  if (fault) faultSpec(c, fault, `${f}.fault`);
  c.bool(op, 'resume', f, { optional: true });
  c.num(op, 'heartbeatMs', f, { min: 0, optional: true });
  if (op.pattern !== undefined) c.oneOf(op, 'pattern', f, PUBLISH_PATTERNS);
}

/** A fault's numeric parameters by kind (harness/faults/spec.ts validates them before a run; here only their type). */
const FAULT_PARAMS: Record<FaultKind, string[]> = {
  'server-restart': ['atS', 'downS'],
  'connection-drop': ['atS', 'share'],
  partition: ['atS', 'forS'],
  'slow-consumer': ['atS', 'share', 'readBytesPerS'],
  'reconnect-storm': ['atS'],
};

function faultSpec(c: Check, spec: Obj, at: string): void {
  c.oneOf(spec, 'kind', at, Object.keys(FAULT_PARAMS));
  c.nums(spec, FAULT_PARAMS[spec.kind as FaultKind], at, { min: 0 });
}

function latencySummary(c: Check, o: Obj, key: string, at: string): void {
  const l = c.sub(o, key, at)!;
  const f = `${at}.${key}`;
  c.num(l, 'count', f, { int: true, min: 0 });
  for (const k of ['p50', 'p99', 'max']) c.num(l, k, f, { min: 0, nullable: true });
}

/** The `faults` section of a run with a fault (reports/faults.ts and the fault chart read every field checked here). */
function faults(c: Check, o: Obj): void {
  const fs = c.sub(o, 'faults', '', { optional: true });
  if (!fs) return;
  faultSpec(c, c.sub(fs, 'spec', 'faults')!, 'faults.spec');
  c.bool(fs, 'resume', 'faults');
  c.num(fs, 'heartbeatMs', 'faults', { min: 0 });
  c.list(fs, 'transports', 'faults')!.forEach((raw, i) => {
    const f = `faults.transports[${i}]`;
    const t = c.obj(raw, f);
    c.oneOf(t, 'transport', f, TRANSPORT_NAMES);
    c.nums(t, ['repeat', 'clients', 'affected'], f, { int: true, min: 0 });
    c.nums(t, ['atS', 'endS'], f, { min: 0 });
    c.num(t, 'liveFromSeq', f, { int: true, min: 0, nullable: true });
    for (const k of ['recoverMs', 'completeMs']) c.num(t, k, f, { min: 0, nullable: true });
    const m = c.sub(t, 'messages', f)!;
    c.nums(m, ['expected', 'delivered', 'lost', 'duplicated', 'reordered'], `${f}.messages`, { int: true, min: 0 });
    const d = c.sub(t, 'detect', f)!;
    c.num(d, 'clients', `${f}.detect`, { int: true, min: 0 });
    for (const k of ['p50Ms', 'maxMs']) c.num(d, k, `${f}.detect`, { min: 0, nullable: true });
    c.counts(d, 'by', `${f}.detect`);
    const rs = c.sub(t, 'resubscribe', f)!;
    c.num(rs, 'clients', `${f}.resubscribe`, { int: true, min: 0 });
    c.num(rs, 'lastMs', `${f}.resubscribe`, { min: 0, nullable: true });
    const rb = c.sub(t, 'recoveryBytes', f, { optional: true });
    if (rb) {
      c.nums(rb, ['totalBytes', 'baselineBytes'], `${f}.recoveryBytes`, { min: 0 });
      c.num(rb, 'excessBytes', `${f}.recoveryBytes`);
    }
    const sv = c.sub(t, 'server', f)!;
    for (const k of ['cpuShareBefore', 'peakCpuShare', 'rssBeforeBytes', 'peakRssBytes', 'peakBufferedBytes']) c.num(sv, k, `${f}.server`, { min: 0, nullable: true });
    const slow = c.sub(t, 'slow', f, { optional: true });
    if (slow) {
      const fsl = `${f}.slow`;
      c.num(slow, 'clients', fsl, { int: true, min: 0 });
      c.num(slow, 'readBytesPerS', fsl, { min: 0 });
      c.num(slow, 'serverRssBytesPerSlowClient', fsl, { nullable: true });
      c.num(slow, 'serverBufferedBytesPerSlowClient', fsl, { min: 0, nullable: true });
      for (const k of ['healthyBeforeMs', 'healthyAfterMs', 'slowAfterMs']) latencySummary(c, slow, k, fsl);
    }
    c.counts(t, 'errors', f);
    const tl = c.sub(t, 'timeline', f)!;
    const ft = `${f}.timeline`;
    c.num(tl, 'bucketS', ft, { min: 0 });
    c.numList(tl, 'deliveredPerS', ft);
    c.numList(tl, 'proxyBytesPerS', ft, { optional: true });
    c.numList(tl, 'serverCpuShare', ft, { nullable: true });
    c.numList(tl, 'serverRssBytes', ft, { nullable: true });
  });
}

function direction(c: Check, o: Obj, key: string, at: string, optional = false): void {
  const d = c.sub(o, key, at, { optional });
  if (d) c.nums(d, ['c2sBytes', 's2cBytes'], `${at}.${key}`, { min: 0 });
}

function loop(c: Check, o: Obj, key: string, at: string, optional = false): void {
  const l = c.sub(o, key, at, { optional });
  if (l) {
    c.nums(l, ['p50Ms', 'p99Ms', 'maxMs'], `${at}.${key}`);
    c.num(l, 'resolutionMs', `${at}.${key}`, { min: 0, optional: true });
  }
}

function processCost(c: Check, o: Obj, at: string): void {
  c.num(o, 'processes', at, { int: true, min: 0 });
  c.nums(o, ['cpuSeconds', 'maxRssBytes', 'rssBytes'], at, { min: 0 });
  loop(c, o, 'eventLoopDelay', at);
}

/** One transport run (also the runs inside a kaazing study). */
export function checkRun(c: Check, raw: unknown, at: string): void {
  const r = c.obj(raw, at);
  c.str(r, 'transport', at, { nonEmpty: true });
  c.num(r, 'repeat', at, { int: true, min: 0 });
  c.num(r, 'clients', at, { int: true, min: 0 });
  c.nums(r, ['rate', 'payloadBytes', 'durationS'], at, { min: 0 });
  c.str(r, 'profile', at);
  const to = c.sub(r, 'transportOptions', at)!;
  c.nums(to, ['intervalMs', 'longPollTimeoutMs'], `${at}.transportOptions`, { min: 0 });
  c.bool(to, 'perMessageDeflate', `${at}.transportOptions`);
  // Absent in every file written before HTTP/2 runs: HTTP/1.1.
  if (to.protocol !== undefined) c.oneOf(to, 'protocol', `${at}.transportOptions`, ['h2', 'h2c']);
  // Absent in files from before --pattern: they were all broadcasts (patternOf in results/types.ts reads them so).
  if (r.pattern !== undefined) c.oneOf(r, 'pattern', at, PUBLISH_PATTERNS);
  c.oneOf(r, 'state', at, ['completed', 'errored']);
  if (r.state === 'errored') {
    if (typeof r.error !== 'string') {
      throw new ResultsInputError(`${oneLine(c.file)}: ${at} is errored but has no "error" text (${at}.error must be a string, got ${show(r.error)}); ${HINT[c.kind]}`, c.file, `${at}.error`);
    }
    return;
  }
  c.nums(r, ['published', 'windowS'], at, { min: 0 });

  const cn = c.sub(r, 'connect', at)!;
  const fc = `${at}.connect`;
  c.num(cn, 'connected', fc, { int: true, min: 0 });
  c.num(cn, 'durationMs', fc, { min: 0 });
  c.counts(cn, 'errors', fc);
  c.num(cn, 'rampPerS', fc, { min: 0, optional: true });

  const m = c.sub(r, 'messages', at)!;
  c.nums(m, ['expected', 'delivered', 'lost', 'duplicated', 'reordered'], `${at}.messages`, { int: true, min: 0 });

  const w = c.sub(r, 'wire', at)!;
  const fw = `${at}.wire`;
  direction(c, r, 'wire', at);
  direction(c, w, 'setup', fw);
  direction(c, w, 'preWindow', fw, true);
  direction(c, w, 'postWindow', fw, true);
  // The bodies received: `receivedBodyBytes` (schema 2) or `payloadBytes` (schema 1's name); one of them is there.
  c.num(w, 'receivedBodyBytes', fw, { min: 0, optional: w.payloadBytes !== undefined });
  c.num(w, 'payloadBytes', fw, { min: 0, optional: true });
  const pm = c.sub(w, 'perMessage', fw)!;
  c.nums(pm, ['c2sOverheadBytes', 's2cOverheadBytes'], `${fw}.perMessage`);
  const pc = c.sub(w, 'perConnection', fw)!;
  c.num(pc, 'setupBytes', `${fw}.perConnection`, { min: 0 });
  direction(c, w, 'model', fw);
  const model = c.sub(w, 'model', fw)!;
  direction(c, model, 'setup', `${fw}.model`);
  direction(c, model, 'preWindow', `${fw}.model`, true);
  direction(c, model, 'postWindow', `${fw}.model`, true);
  c.bool(w, 'matchesModel', fw);

  const t = c.sub(r, 'throughput', at)!;
  c.nums(t, ['messagesPerS', 'c2sBitsPerS', 's2cBitsPerS'], `${at}.throughput`, { min: 0 });

  const l = c.sub(r, 'latencyMs', at)!;
  const fl = `${at}.latencyMs`;
  c.nums(l, ['p50', 'p90', 'p99', 'p999', 'max', 'mean'], fl, { min: 0 });
  c.num(l, 'count', fl, { int: true, min: 0 });
  c.str(l, 'histogram', fl);
  const ot = c.sub(l, 'overTime', fl, { optional: true });
  if (ot) {
    const fo = `${fl}.overTime`;
    c.num(ot, 'bucketS', fo, { min: 0 });
    c.numList(ot, 'count', fo);
    c.numList(ot, 'meanMs', fo, { nullable: true });
    c.numList(ot, 'maxMs', fo, { nullable: true });
    const n = (ot.count as unknown[]).length;
    for (const k of ['meanMs', 'maxMs']) if ((ot[k] as unknown[]).length !== n) c.fail(`${fo}.${k}`, `a list as long as ${fo}.count (${n})`, ot[k]);
  }

  const s = c.sub(r, 'server', at)!;
  const fs = `${at}.server`;
  processCost(c, s, fs);
  c.str(s, 'address', fs);
  c.num(s, 'cpuSecondsPerMessage', fs, { min: 0 });
  c.num(s, 'connections', fs, { int: true, min: 0 });
  c.counts(s, 'acceptErrors', fs, { optional: true });
  c.list(s, 'perProcess', fs, { optional: true })?.forEach((raw, i) => {
    const f = `${fs}.perProcess[${i}]`;
    const p = c.obj(raw, f);
    c.num(p, 'pid', f, { int: true, min: 0 });
    c.oneOf(p, 'role', f, ['primary', 'worker', 'single']);
    c.nums(p, ['cpuSeconds', 'rssBytes', 'maxRssBytes', 'connections'], f, { min: 0 });
    direction(c, p, 'setup', f);
    direction(c, p, 'total', f);
    for (const k of ['preWindow', 'window', 'postWindow']) direction(c, p, k, f, true);
    loop(c, p, 'eventLoopDelay', f, true);
  });

  const cw = c.sub(r, 'clientWorkers', at)!;
  const fcw = `${at}.clientWorkers`;
  processCost(c, cw, fcw);
  c.bool(cw, 'saturated', fcw);
  c.str(cw, 'saturationReason', fcw, { nullable: true });
  c.list(cw, 'perProcess', fcw, { optional: true })?.forEach((raw, i) => {
    const f = `${fcw}.perProcess[${i}]`;
    const p = c.obj(raw, f);
    c.num(p, 'pid', f, { int: true, min: 0 });
    c.nums(p, ['subscribed', 'delivered', 'cpuSeconds', 'rssBytes'], f, { min: 0 });
    c.str(p, 'histogram', f);
  });

  const mem = c.sub(r, 'memory', at, { optional: true });
  if (mem) {
    const fm = `${at}.memory`;
    c.nums(mem, ['serverIdleRssBytes', 'serverConnectedRssBytes', 'clientIdleRssBytes', 'clientConnectedRssBytes'], fm, { min: 0 });
    // Null (with a reason) within the noise (schema 2); schema 1 files may hold a negative figure, which readers null.
    for (const k of ['serverBytesPerConnection', 'clientBytesPerConnection']) c.num(mem, k, fm, { nullable: true });
    c.nums(mem, ['serverNoiseBytes', 'clientNoiseBytes'], fm, { min: 0, optional: true });
    c.num(mem, 'serverSlopeBytesPerConnection', fm, { optional: true });
    c.str(mem, 'serverReason', fm, { optional: true });
    c.str(mem, 'clientReason', fm, { optional: true });
  }
  const plan = c.sub(r, 'plan', at, { optional: true });
  if (plan) {
    const fp = `${at}.plan`;
    c.nums(plan, ['serverProcesses', 'clientWorkers', 'serverFds', 'workerFds', 'openFilesLimit'], fp, { min: 0 });
    c.strList(plan, 'localAddresses', fp);
    c.num(plan, 'connectRatePerS', fp, { min: 0, optional: true });
    c.bool(plan, 'connectRateAuto', fp, { optional: true });
    const split = c.sub(plan, 'cpuSplit', fp, { optional: true });
    if (split) {
      c.numList(split, 'server', `${fp}.cpuSplit`);
      c.numList(split, 'clients', `${fp}.cpuSplit`);
    }
  }
  const machine = c.sub(r, 'machine', at, { optional: true });
  if (machine) {
    const fm = `${at}.machine`;
    c.num(machine, 'stealShare', fm, { min: 0 });
    c.nums(machine, ['stealOfBusyShare', 'cores', 'serverCores', 'clientCores', 'otherCores'], fm, { optional: true });
    c.bool(machine, 'saturated', fm, { optional: true });
    c.str(machine, 'saturationReason', fm, { optional: true, nullable: true });
    const ps = c.sub(machine, 'perSecond', fm, { optional: true });
    if (ps) for (const k of ['busyShare', 'serverCores', 'clientCores']) c.numList(ps, k, `${fm}.perSecond`);
  }
  const steady = c.sub(r, 'steady', at, { optional: true });
  if (steady) {
    const fs2 = `${at}.steady`;
    c.oneOf(steady, 'state', fs2, ['sustained', 'overloaded', 'unjudged']);
    c.str(steady, 'reason', fs2);
    c.nums(steady, ['seconds', 'slopeMsPerS', 'riseMs', 'toleranceMs', 'firstThirdMeanMs', 'lastThirdMeanMs'], fs2);
  }
  const floor = c.sub(r, 'cpuFloor', at, { optional: true });
  if (floor) {
    const ff = `${at}.cpuFloor`;
    c.str(floor, 'file', ff);
    c.str(floor, 'floorStartedAt', ff);
    c.nums(floor, ['serverFloorUsPerMessage', 'serverFloorConnections', 'clientFloorUsPerMessage', 'clientFloorConnections'], ff, { min: 0 });
    c.nums(floor, ['serverFloorProcesses', 'clientFloorProcesses'], ff, { int: true, min: 1, optional: true });
    c.num(floor, 'serverRatio', ff, { min: 0, nullable: true });
    c.num(floor, 'clientRatio', ff, { min: 0, nullable: true });
  }
}

function capacity(c: Check, o: Obj): void {
  const cap = c.sub(o, 'capacity', '', { optional: true });
  if (!cap) return;
  c.nums(cap, ['p99Ms', 'maxClients', 'startClients', 'precision', 'durationS', 'intervalMs'], 'capacity', { min: 0 });
  c.nums(cap, ['retries', 'warmupS'], 'capacity', { min: 0, optional: true });
  // Files from before --by searched the client count.
  if (cap.by !== undefined) c.oneOf(cap, 'by', 'capacity', ['clients', 'rate']);
  const byRate = cap.by === 'rate';
  if (byRate) c.nums(cap, ['startRate', 'maxRate', 'minRate'], 'capacity', { min: 0 });
  c.list(cap, 'transports', 'capacity')!.forEach((raw, i) => {
    const f = `capacity.transports[${i}]`;
    const t = c.obj(raw, f);
    c.str(t, 'transport', f, { nonEmpty: true });
    c.num(t, 'maxClients', f, { int: true, min: 0 });
    c.num(t, 'firstFailedClients', f, { int: true, min: 0, nullable: true });
    c.str(t, 'limitedBy', f);
    c.num(t, 'serverBytesPerConnectionSlope', f, { optional: true });
    if (byRate) {
      c.num(t, 'maxRate', f, { min: 0 });
      c.num(t, 'firstFailedRate', f, { min: 0, nullable: true });
    }
    c.list(t, 'steps', f)!.forEach((rawStep, j) => {
      const fs = `${f}.steps[${j}]`;
      const s = c.obj(rawStep, fs);
      c.nums(s, ['clients', 'lost', 'unconnected'], fs, { int: true, min: 0 });
      c.num(s, 'p99Ms', fs, { min: 0 });
      if (byRate) c.num(s, 'rate', fs, { min: 0 });
      c.bool(s, 'ok', fs);
      c.str(s, 'limitedBy', fs, { nullable: true });
    });
  });
}

function efficiency(c: Check, o: Obj): void {
  c.str(o, 'efficiencyError', '', { optional: true });
  const e = c.sub(o, 'efficiency', '', { optional: true });
  if (!e) return;
  c.nums(e, ['connections', 'durationS', 'requestHeadBytes', 'ratio'], 'efficiency', { min: 0 });
  for (const side of ['pushbench', 'autocannon']) {
    const s = c.sub(e, side, 'efficiency')!;
    c.nums(s, ['requests', 'cpuSeconds', 'requestsPerCpuS'], `efficiency.${side}`, { min: 0 });
  }
}

function header(c: Check, raw: unknown): Obj {
  if (!isObj(raw)) c.fail('the file', 'a JSON object', raw);
  return raw;
}

function results(c: Check, o: Obj): ResultsFile {
  if (!READABLE_SCHEMA_VERSIONS.includes(o.schemaVersion as number)) {
    throw new ResultsInputError(
      `${oneLine(c.file)} has schemaVersion ${show(o.schemaVersion)}; this pushbench reads results schemaVersion ${READABLE_SCHEMA_VERSIONS.join(' and ')}: re-record it with this version`,
      c.file,
      'schemaVersion',
    );
  }
  for (const k of ['scenario', 'startedAt', 'finishedAt']) c.str(o, k, '');
  environment(c, o, '');
  options(c, o);
  c.list(o, 'runs', '')!.forEach((r, i) => checkRun(c, r, `runs[${i}]`));
  capacity(c, o);
  efficiency(c, o);
  faults(c, o);
  return { ...(o as unknown as ResultsFile), kind: 'results' };
}

// ---------------------------------------------------------------------------------------------------------------
// Micro-benchmark files

function micro(c: Check, o: Obj): MicroResultsFile {
  if (o.schemaVersion !== MICRO_SCHEMA_VERSION) {
    throw new ResultsInputError(
      `${oneLine(c.file)} has micro schemaVersion ${show(o.schemaVersion)}, this pushbench reads ${MICRO_SCHEMA_VERSION}; re-record it with npm run bench:micro`,
      c.file,
      'schemaVersion',
    );
  }
  for (const k of ['scenario', 'startedAt', 'finishedAt']) c.str(o, k, '');
  environment(c, o, '');
  c.num(o, 'rounds', '', { int: true, min: 0 });
  c.num(o, 'roundTimeMs', '', { min: 0 });
  c.list(o, 'tasks', '')!.forEach((raw, i) => {
    const f = `tasks[${i}]`;
    const t = c.obj(raw, f);
    c.str(t, 'name', f, { nonEmpty: true });
    c.str(t, 'description', f, { optional: true });
    c.numList(t, 'nsPerOpSamples', f);
    c.numList(t, 'opsPerRound', f, { optional: true });
  });
  return o as unknown as MicroResultsFile;
}

// ---------------------------------------------------------------------------------------------------------------
// Comparison files (the report renders them)

function summaryOf(c: Check, o: Obj, key: string, at: string): void {
  const s = c.sub(o, key, at, { nullable: true });
  if (!s) return;
  const f = `${at}.${key}`;
  c.num(s, 'n', f, { int: true, min: 0 });
  c.nums(s, ['median', 'min', 'max'], f);
  c.numList(s, 'values', f);
}

function comparison(c: Check, o: Obj): ComparisonFile {
  if (o.schemaVersion !== COMPARISON_SCHEMA_VERSION) {
    throw new ResultsInputError(`${oneLine(c.file)} has comparison schemaVersion ${show(o.schemaVersion)}, this pushbench reads ${COMPARISON_SCHEMA_VERSION}; compare again`, c.file, 'schemaVersion');
  }
  for (const side of ['baseline', 'candidate']) {
    const s = c.sub(o, side, '')!;
    for (const k of ['file', 'scenario', 'startedAt']) c.str(s, k, side);
    c.oneOf(s, 'kind', side, ['results', 'micro']);
    c.str(s, 'commit', side, { nullable: true });
    c.num(s, 'minRepeats', side, { int: true, min: 0 });
  }
  const p = c.sub(o, 'policy', '')!;
  c.nums(p, ['alpha', 'confidence', 'bootstrapResamples', 'seed'], 'policy');
  c.bool(p, 'exactOnly', 'policy');
  c.sub(p, 'metrics', 'policy');
  const verdicts = ['regression', 'changed', 'improvement', 'unchanged', 'insufficient-samples', 'errored', 'missing'];
  c.list(o, 'comparisons', '')!.forEach((raw, i) => {
    const f = `comparisons[${i}]`;
    const r = c.obj(raw, f);
    for (const k of ['group', 'metric', 'label', 'unit']) c.str(r, k, f);
    c.oneOf(r, 'kind', f, ['exact', 'statistical']);
    c.oneOf(r, 'worse', f, ['higher', 'lower', 'any']);
    c.oneOf(r, 'verdict', f, verdicts);
    summaryOf(c, r, 'baseline', f);
    summaryOf(c, r, 'candidate', f);
    for (const k of ['relativeChange', 'pValue', 'thresholdPct', 'tolerance']) c.num(r, k, f, { nullable: true });
    const ci = c.sub(r, 'ci', f, { nullable: true });
    if (ci) c.nums(ci, ['low', 'high'], `${f}.ci`);
    c.str(r, 'note', f, { nullable: true });
  });
  const sm = c.sub(o, 'summary', '')!;
  const counts = c.sub(sm, 'counts', 'summary')!;
  for (const v of verdicts) c.num(counts, v, 'summary.counts', { int: true, min: 0 });
  c.oneOf(sm, 'exitCode', 'summary', [0, 1]);
  c.str(sm, 'repeatAdvice', 'summary', { nullable: true });
  c.strList(sm, 'warnings', 'summary');
  return o as unknown as ComparisonFile;
}

// ---------------------------------------------------------------------------------------------------------------
// Floor files

function floor(c: Check, o: Obj): FloorResults {
  if (o.schemaVersion !== FLOOR_SCHEMA_VERSION) {
    throw new ResultsInputError(`${oneLine(c.file)} has floor schemaVersion ${show(o.schemaVersion)}, this pushbench reads ${FLOOR_SCHEMA_VERSION}; ${HINT.floor}`, c.file, 'schemaVersion');
  }
  for (const k of ['startedAt', 'finishedAt']) c.str(o, k, '');
  environment(c, o, '', true);
  c.nums(o, ['frameBytes', 'rate', 'durationS'], '', { min: 0 });
  c.num(o, 'repeat', '', { int: true, min: 1, optional: true });
  c.list(o, 'points', '')!.forEach((raw, i) => {
    const f = `points[${i}]`;
    const p = c.obj(raw, f);
    c.nums(p, ['connections', 'ticks', 'messages'], f, { int: true, min: 0 });
    c.nums(p, ['senders', 'receivers'], f, { int: true, min: 1, optional: true });
    const sides = (o: Obj, at: string): void => {
      for (const side of ['sender', 'receiver']) {
        const s = c.sub(o, side, at)!;
        // A side that delivered nothing has NaN costs, which JSON writes as null.
        for (const k of ['userUsPerMessage', 'systemUsPerMessage', 'cpuUsPerMessage', 'cores']) c.num(s, k, `${at}.${side}`, { min: 0, nullable: true });
      }
    };
    sides(p, f);
    c.list(p, 'repeats', f, { optional: true })?.forEach((r, j) => sides(c.obj(r, `${f}.repeats[${j}]`), `${f}.repeats[${j}]`));
  });
  return o as unknown as FloorResults;
}

// ---------------------------------------------------------------------------------------------------------------
// Kaazing study files

function kaazing(c: Check, o: Obj): KaazingResults {
  const version = o.kind === 'kaazing' ? o.schemaVersion : o.version === 1 ? 1 : o.version;
  if (version !== 1 && version !== KAAZING_SCHEMA_VERSION) {
    throw new ResultsInputError(
      `${oneLine(c.file)} has kaazing schemaVersion ${show(version)}; this pushbench reads 1 and ${KAAZING_SCHEMA_VERSION}: re-run pushbench kaazing`,
      c.file,
      'schemaVersion',
    );
  }
  for (const k of ['startedAt', 'finishedAt', 'command']) c.str(o, k, '');
  environment(c, o, '');
  c.nums(o, ['rate', 'payloadBytes', 'durationS'], '', { min: 0 });

  const a = c.sub(o, 'article', '')!;
  c.str(a, 'source', 'article');
  c.nums(a, ['requestVisibleChars', 'responseVisibleChars', 'pollOverheadBytes', 'websocketFrameBytes'], 'article');
  c.strList(a, 'claimedRatios', 'article');
  c.str(a, 'unitNote', 'article', { optional: true });
  c.list(a, 'useCases', 'article')!.forEach((raw, i) => {
    const f = `article.useCases[${i}]`;
    const u = c.obj(raw, f);
    c.str(u, 'useCase', f);
    c.str(u, 'websocketUnitPrinted', f);
    c.nums(u, ['clients', 'pollingBitsPerS', 'pollingMbpsPrinted', 'websocketBitsPerS', 'websocketMbpsPrinted'], f);
  });
  const lc = c.sub(a, 'latencyClaim', 'article')!;
  c.nums(lc, ['oneWayDelayMs', 'pollingMs', 'websocketMs'], 'article.latencyClaim');
  c.str(lc, 'ratio', 'article.latencyClaim');
  c.str(lc, 'quote', 'article.latencyClaim');

  const fr = c.sub(o, 'framing', '')!;
  c.nums(fr, ['payloadBytes', 'wsServerToClientHeaderBytes', 'wsClientToServerHeaderBytes', 'hixie76FrameOverheadBytes', 'tcpIpHeaderBytesPerSegment'], 'framing');
  const fm = c.sub(fr, 'measured', 'framing', { optional: true });
  if (fm) c.nums(fm, ['payloadBytes', 'c2sFrameBytes', 's2cFrameBytes'], 'framing.measured');

  c.list(o, 'profiles', '')!.forEach((raw, i) => {
    const f = `profiles[${i}]`;
    const p = c.obj(raw, f);
    c.str(p, 'profile', f);
    c.str(p, 'description', f);
    c.str(p, 'sinceExample', f);
    c.nums(
      p,
      ['requestLines', 'responseLines', 'requestVisibleChars', 'responseVisibleChars', 'requestWireBytes', 'responseWireBytes', 'sinceBytes', 'websocketRequestWireBytes'],
      f,
    );
  });

  c.list(o, 'cases', '')!.forEach((raw, i) => {
    const f = `cases[${i}]`;
    const k = c.obj(raw, f);
    c.str(k, 'useCase', f);
    c.num(k, 'clients', f, { int: true, min: 0 });
    c.str(k, 'profile', f);
    c.str(k, 'resultsFile', f, { nullable: true });
    c.list(k, 'runs', f)!.forEach((r, j) => checkRun(c, r, `${f}.runs[${j}]`));
    const tcp = c.sub(k, 'tcp', f)!;
    for (const t of Object.keys(tcp)) {
      const ft = `${f}.tcp.${t}`;
      c.nums(
        c.obj(tcp[t], ft),
        ['messages', 'sockets', 'segmentsPerMessage', 'ackOnlySegmentsPerMessage', 'tcpIpHeaderBytesPerMessage', 'tcpPayloadBytesPerMessage'],
        ft,
      );
    }
    const ex = c.sub(k, 'extrapolatedFrom', f, { nullable: true });
    if (ex) {
      const fe = `${f}.extrapolatedFrom`;
      c.str(ex, 'useCase', fe);
      c.num(ex, 'clients', fe, { min: 0 });
      c.str(ex, 'resultsFile', fe, { nullable: true });
      c.str(ex, 'reason', fe);
    }
    c.list(k, 'ruledOut', f, { optional: true })?.forEach((raw, j) => {
      const fr = `${f}.ruledOut[${j}]`;
      const r = c.obj(raw, fr);
      c.str(r, 'transport', fr);
      const cap = c.sub(r, 'capacity', fr)!;
      const fc = `${fr}.capacity`;
      c.str(cap, 'file', fc);
      c.str(cap, 'limitedBy', fc);
      c.str(cap, 'profile', fc);
      c.nums(cap, ['maxClients', 'rate', 'intervalMs', 'p99Ms', 'durationS'], fc);
      c.num(cap, 'firstFailedClients', fc, { nullable: true });
      const from = c.sub(r, 'from', fr, { nullable: true });
      if (from) {
        c.str(from, 'useCase', `${fr}.from`);
        c.num(from, 'clients', `${fr}.from`, { min: 0 });
        c.str(from, 'resultsFile', `${fr}.from`, { nullable: true });
      }
    });
  });

  const lat = c.sub(o, 'latency', '', { nullable: true });
  if (lat) {
    c.nums(lat, ['oneWayDelayMs', 'jitterMs', 'clients', 'rate', 'intervalMs'], 'latency');
    c.list(lat, 'modes', 'latency')!.forEach((raw, i) => {
      const f = `latency.modes[${i}]`;
      const m = c.obj(raw, f);
      for (const k of ['mode', 'transport', 'connection', 'profile']) c.str(m, k, f);
      c.str(m, 'error', f, { nullable: true });
      c.num(m, 'proxyConnections', f, { optional: true });
      const l = c.sub(m, 'latencyMs', f, { nullable: true });
      if (l) c.nums(l, ['p50', 'p90', 'p99', 'max', 'count'], `${f}.latencyMs`);
    });
    c.list(lat, 'exchanges', 'latency', { optional: true })?.forEach((raw, i) => {
      const f = `latency.exchanges[${i}]`;
      const x = c.obj(raw, f);
      c.str(x, 'exchange', f);
      c.str(x, 'connection', f);
      c.nums(x, ['oneWayTrips', 'count', 'p50Ms', 'minMs', 'maxMs'], f);
    });
  }
  const { study: _s, version: _v, ...rest } = o;
  return { ...(rest as unknown as KaazingResults), kind: 'kaazing', schemaVersion: KAAZING_SCHEMA_VERSION };
}

// ---------------------------------------------------------------------------------------------------------------
// Entry points

/** What a parsed object says it is: `kind`, or the old forms (no kind: results; `study: 'kaazing'`). */
export function kindOf(raw: unknown): FileKind | null {
  if (!isObj(raw) || raw.tool !== 'pushbench') return null;
  if (raw.kind === undefined) return raw.study === 'kaazing' ? 'kaazing' : 'results';
  return raw.kind === 'results' || raw.kind === 'micro' || raw.kind === 'kaazing' || raw.kind === 'floor' || raw.kind === 'comparison' ? raw.kind : null;
}

const LABEL: Record<FileKind, string> = { results: 'results', micro: 'micro-benchmark', kaazing: 'kaazing results', floor: 'floor', comparison: 'comparison' };

/** What the caller asked for, in messages: one kind by its name; the report's several kinds as results. */
function label(accept: readonly FileKind[]): string {
  return accept.length === 1 || !accept.includes('micro') ? LABEL[accept[0]!] : 'pushbench';
}

export function parseFile(raw: unknown, file: string, accept: readonly ['results']): ResultsFile;
export function parseFile(raw: unknown, file: string, accept: readonly ['kaazing']): KaazingResults;
export function parseFile(raw: unknown, file: string, accept: readonly ['micro']): MicroResultsFile;
export function parseFile(raw: unknown, file: string, accept: readonly ['floor']): FloorResults;
export function parseFile(raw: unknown, file: string, accept: readonly ['results', 'micro']): ResultsFile | MicroResultsFile;
export function parseFile(raw: unknown, file: string, accept: readonly FileKind[]): AnyFile;
/**
 * Checks a parsed file of one of the `accept`ed kinds and returns it typed (old forms brought up to date).
 * Throws ResultsInputError naming the file and the first field at fault.
 */
export function parseFile(raw: unknown, file: string, accept: readonly FileKind[]): AnyFile {
  const kind = kindOf(raw);
  const want = label(accept);
  const shown = oneLine(file);
  if (kind === null) {
    const what = !isObj(raw) ? `not a JSON object` : raw.tool !== 'pushbench' ? `"tool" is not "pushbench"` : `unknown "kind" ${show(raw.kind)}`;
    throw new ResultsInputError(`${shown} is not a pushbench ${want === 'pushbench' ? '' : `${want} `}file (${what}); ${HINT[accept[0] ?? 'results']}`, file, isObj(raw) && raw.tool === 'pushbench' ? 'kind' : 'tool');
  }
  if (!accept.includes(kind)) {
    const fix = kind === 'comparison' ? HINT.comparison : HINT[accept[0]!];
    throw new ResultsInputError(`${shown} is a ${LABEL[kind]} file, not a ${want} file; ${fix}`, file, 'kind');
  }
  const c = new Check(file, kind);
  const o = header(c, raw);
  if (kind === 'results') return results(c, o);
  if (kind === 'micro') return micro(c, o);
  if (kind === 'kaazing') return kaazing(c, o);
  if (kind === 'floor') return floor(c, o);
  return comparison(c, o);
}

/** Reads JSON from a file; a missing, unreadable or malformed file is a ResultsInputError. */
export function readJson(file: string, accept: readonly FileKind[] = ['results']): unknown {
  const want = label(accept);
  let text: string;
  try {
    const bytes = readFileSync(file);
    // Published results are committed gzipped (docs/results/*.json.gz); at most 1 GiB unpacked.
    text = (file.endsWith('.gz') ? gunzipSync(bytes, { maxOutputLength: 1 << 30 }) : bytes).toString('utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    const shown = oneLine(file);
    if (code === 'ENOENT') throw new ResultsInputError(`no such ${want} file: ${shown}; cannot read ${want} ${shown} (ENOENT); check the path`, file);
    throw new ResultsInputError(`cannot read ${want} ${shown} (${code}); check the path`, file);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ResultsInputError(`${oneLine(file)} is not valid JSON (${oneLine((e as Error).message)}); ${HINT[accept[0] ?? 'results']}`, file);
  }
}

export function readFile(file: string, accept: readonly ['results']): ResultsFile;
export function readFile(file: string, accept: readonly ['kaazing']): KaazingResults;
export function readFile(file: string, accept: readonly ['micro']): MicroResultsFile;
export function readFile(file: string, accept: readonly ['floor']): FloorResults;
export function readFile(file: string, accept: readonly ['results', 'micro']): ResultsFile | MicroResultsFile;
export function readFile(file: string, accept: readonly FileKind[]): AnyFile;
/** Reads and checks one file of the accepted kinds. */
export function readFile(file: string, accept: readonly FileKind[]): AnyFile {
  return parseFile(readJson(file, accept), file, accept);
}

/** Reads and checks a results file (`pushbench run`, `pushbench capacity`). */
export function readResults(file: string): ResultsFile {
  return readFile(file, ['results']);
}
