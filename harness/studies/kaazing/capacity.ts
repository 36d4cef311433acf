/**
 * Which transports a use case leaves out, from `pushbench capacity` results (`pushbench kaazing --capacity FILE`).
 *
 * A poller that cannot keep up changes what it puts on the wire (a late poll collects several messages, or none), so
 * its bytes per message at a client count this machine does not sustain would describe the overload, not the
 * protocol. A push transport's bytes per message do not depend on keeping up (one frame per message, however late),
 * so push transports are measured at every count the plan allows and only marked when the run was overloaded.
 *
 * A search counts for the study only when it ran under the study's conditions: the same rate and payload, the same
 * short-polling interval, and heads no larger than the profile's (a search with lighter heads sustained at least as
 * many clients as the profile's heavier ones could).
 */
import path from 'node:path';
import { UsageError } from '../../errors.js';
import { packageRoot } from '../../paths.js';
import { loadProfile } from '../../protocol/profiles.js';
import { TRANSPORTS } from '../../transports/registry.js';
import { readFile } from '../../../results/read.js';
import type { RuledOut } from '../../../results/kaazing.js';
import type { TransportName } from '../../../results/types.js';
import { profileHeads } from './models.js';

/** One transport's capacity as a search found it, with the conditions it ran under. */
export type CapacityLimit = RuledOut['capacity'] & { transport: TransportName };

/** What the study runs at, to match searches against. */
export interface StudyConditions {
  rate: number;
  payloadBytes: number;
  intervalMs: number;
}

/** Poll heads (request + response) of a profile on the wire: what a poll costs besides its message. */
function pollHeadBytes(profile: string, payloadBytes: number): number {
  const p = profileHeads(loadProfile(profile), payloadBytes, 1);
  return p.requestWireBytes + p.responseWireBytes;
}

/**
 * Reads capacity results files into one limit per transport (a later file's search of a transport replaces an
 * earlier one's). A file that is no client-count capacity search, or searched at another rate or payload, is an
 * error; a short-polling search at another interval is left out with a line on `warn`.
 */
export function readCapacityLimits(files: string[], study: StudyConditions, warn: (line: string) => void = () => {}): Map<TransportName, CapacityLimit> {
  const limits = new Map<TransportName, CapacityLimit>();
  for (const file of files) {
    const r = readFile(file, ['results']);
    const cap = r.capacity;
    if (!cap) throw new UsageError(`--capacity ${file}: not a capacity results file (no "capacity" section); give a file written by pushbench capacity`);
    if (cap.by === 'rate') throw new UsageError(`--capacity ${file}: a search over the rate (--by rate); the study needs a search over client counts (pushbench capacity --rate ${study.rate})`);
    if (r.options.rate !== study.rate) throw new UsageError(`--capacity ${file}: searched at ${r.options.rate} msg/s per client, the study runs ${study.rate}; run pushbench capacity --rate ${study.rate}`);
    if (r.options.payloadBytes !== study.payloadBytes) throw new UsageError(`--capacity ${file}: searched with ${r.options.payloadBytes}-byte messages, the study sends ${study.payloadBytes}: its capacity says nothing of the study's`);
    const rel = path.relative(packageRoot, path.resolve(file)).split(path.sep).join('/');
    for (const t of cap.transports) {
      if (t.transport === 'short-polling' && cap.intervalMs !== study.intervalMs) {
        warn(`kaazing: ${rel} searched short-polling polling every ${cap.intervalMs} ms, the study polls every ${study.intervalMs} ms: not used for it`);
        continue;
      }
      limits.set(t.transport, {
        transport: t.transport,
        file: rel,
        maxClients: t.maxClients,
        firstFailedClients: t.firstFailedClients,
        limitedBy: t.limitedBy,
        rate: r.options.rate,
        intervalMs: cap.intervalMs,
        p99Ms: cap.p99Ms,
        durationS: cap.durationS,
        profile: r.options.profile,
      });
    }
  }
  return limits;
}

/**
 * The limits that rule transports out of a use case of `clients` clients with `profile`'s heads: polling transports
 * whose search found fewer sustained clients, with heads no heavier than the profile's. In `transports` order.
 */
export function ruledOutOf(
  transports: readonly TransportName[],
  clients: number,
  profile: string,
  payloadBytes: number,
  limits: ReadonlyMap<TransportName, CapacityLimit>,
): CapacityLimit[] {
  const out: CapacityLimit[] = [];
  for (const t of transports) {
    const limit = limits.get(t);
    if (!limit || TRANSPORTS[t].family !== 'polling' || limit.maxClients >= clients) continue;
    // Heavier heads in the search than in the profile: the profile's lighter polls might fit where the search's did not.
    if (pollHeadBytes(limit.profile, payloadBytes) > pollHeadBytes(profile, payloadBytes)) continue;
    out.push(limit);
  }
  return out;
}
