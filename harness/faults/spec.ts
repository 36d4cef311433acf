/**
 * The `fault` of a scenario file, validated before anything starts: each kind with its own parameters, every one
 * named in the error when wrong.
 */
import { UsageError } from '../errors.js';
import type { FaultKind, FaultSpec, RunOptions } from '../../results/types.js';

/** Every kind and its numeric parameters: [name, min, max, whole number]. */
const PARAMS: Record<FaultKind, Array<[string, number, number, boolean]>> = {
  'server-restart': [['atS', 0, 86_400, false], ['downS', 0, 3600, false]],
  'connection-drop': [['atS', 0, 86_400, false], ['share', 0, 1, false]],
  partition: [['atS', 0, 86_400, false], ['forS', 0, 3600, false]],
  'slow-consumer': [['atS', 0, 86_400, false], ['share', 0, 1, false], ['readBytesPerS', 1, 1e9, true]],
  'reconnect-storm': [['atS', 0, 86_400, false]],
};

export const FAULT_KINDS = Object.keys(PARAMS) as FaultKind[];

/** `raw` as a FaultSpec; `where` names its origin in the error (e.g. "scenarios/x.json: fault"). */
export function parseFaultSpec(raw: unknown, where: string): FaultSpec {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new UsageError(`${where} must be an object such as {"kind": "server-restart", "atS": 4, "downS": 2}`);
  }
  const r = raw as Record<string, unknown>;
  const kind = r.kind as FaultKind;
  const params = PARAMS[kind];
  if (typeof kind !== 'string' || !params) throw new UsageError(`${where}.kind must be one of: ${FAULT_KINDS.join(', ')}; got ${JSON.stringify(r.kind)}`);
  const out: Record<string, unknown> = { kind };
  for (const [name, min, max, int] of params) {
    const v = r[name];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (int && !Number.isInteger(v))) {
      throw new UsageError(`${where}.${name} (${kind}) must be ${int ? 'a whole number' : 'a number'} from ${min} to ${max}, got ${JSON.stringify(v)}`);
    }
    out[name] = v;
  }
  for (const k of Object.keys(r)) {
    if (k !== 'kind' && !params.some(([n]) => n === k)) {
      throw new UsageError(`${where}: unknown key "${k}" for ${kind}; it takes ${params.map(([n]) => n).join(', ')}`);
    }
  }
  return out as unknown as FaultSpec;
}

/**
 * The fault must happen inside the window: checked with the merged options (flags may change the duration). Faults
 * and heartbeats are pushbench's own servers' (the restart, the resets, the replay of `?since=`, the heartbeats): a
 * run against another server kind is refused rather than measured half-way.
 */
export function checkFaultFits(o: RunOptions): void {
  const f = o.fault;
  const kind = o.server ?? 'embedded';
  if (kind !== 'embedded') {
    if (f) throw new UsageError(`--fault needs --server embedded (faults act on pushbench's own server), not --server ${kind}; drop one of them`);
    if (o.heartbeatMs) throw new UsageError(`--heartbeat-ms needs --server embedded (the heartbeats are its servers'), not --server ${kind}; drop one of them`);
  }
  if (!f) return;
  if (f.atS >= o.durationS) {
    throw new UsageError(`fault ${f.kind} at ${f.atS} s is not inside the ${o.durationS} s window; make atS smaller or --duration longer`);
  }
}

/** When the fault ends, in seconds after the window opened (the window's end for a slow consumer). */
export function faultEndS(f: FaultSpec, durationS: number): number {
  switch (f.kind) {
    case 'server-restart':
      return f.atS + f.downS;
    case 'partition':
      return f.atS + f.forS;
    case 'slow-consumer':
      return durationS;
    default:
      return f.atS;
  }
}

/**
 * Network faults act in the proxy; the slow consumer reads slowly in the client, and the reconnect storm has the
 * server reset its own connections (a proxy in the harness would need two descriptors per client).
 */
export function needsProxy(f: FaultSpec): boolean {
  return f.kind !== 'slow-consumer' && f.kind !== 'reconnect-storm';
}
