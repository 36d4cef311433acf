/**
 * `pushbench floor`: what a bare Node sender and receiver pay per message over loopback TCP on this machine, at
 * several connection counts. Every run's CPU per message is read against it (docs/scale.md).
 */
import path from 'node:path';
import { machineLimits } from '../measure/environment.js';
import { EXIT, UsageError } from '../errors.js';
import { formatHelp, parseOptions, wantsHelp, type OptionTable } from '../options.js';
import { floorMaxConnections, floorSplit, measureFloor } from '../measure/floor.js';
import { writeResults } from '../../results/io.js';
import { formatFloorTable } from '../../reports/floor.js';
import { isStopping } from '../run/children.js';

/** The largest count `--counts` takes (the mission's 100,000 with room to spare); the plan still has to hold it. */
const MAX_FLOOR_CONNECTIONS = 1_000_000;
/** More measurements than this of every count would take hours at the larger counts without narrowing the median much. */
const MAX_FLOOR_REPEAT = 50;

export const summary = 'measure the CPU floor of a bare sender and receiver on loopback: pushbench floor [flags]';

const OPTIONS: OptionTable = {
  '--counts': {
    key: 'counts',
    spec: { kind: 'string' },
    help: 'connection counts, comma-separated; "max" = the most one process holds; a larger count is spread over as many senders and receivers as a run of that many clients plans',
    value: 'LIST',
    default: '1000,10000,max',
  },
  '--duration': { key: 'duration', spec: { kind: 'string' }, help: 'seconds of broadcasting per count', short: '-d', value: 'S', default: '10' },
  '--rate': { key: 'rate', spec: { kind: 'string' }, help: 'broadcasts per second', short: '-r', value: 'MSG/S', default: '1' },
  '--payload': { key: 'payload', spec: { kind: 'string' }, help: 'payload of each frame, 16 to 125 (21: a 23-byte frame)', short: '-p', value: 'BYTES', default: '21' },
  '--repeat': {
    key: 'repeat',
    spec: { kind: 'string' },
    help: 'measure every count N times, interleaved (all counts, then all again); each point is then the median of its N, every measurement kept',
    value: 'N',
    default: '1',
  },
  '--json': { key: 'json', spec: { kind: 'string' }, help: 'results file', short: '-j', value: 'FILE', default: 'results/floor-<time>.json' },
};

export function help(): string {
  return formatHelp({
    usage: 'pushbench floor [options]',
    description:
      'Measures the CPU per message of a bare node:net sender (one prepared WebSocket frame written to every socket per\n' +
      'tick) and a bare receiver (onread into one shared buffer), each in its own process, at each connection count.',
    table: OPTIONS,
    examples: ['pushbench floor --counts 1000,10000 --duration 5', 'pushbench floor --counts 1000,10000,max,100000', 'pushbench floor --counts 10000 --repeat 5'],
  });
}

export async function main(argv: string[]): Promise<number> {
  if (wantsHelp(argv)) {
    process.stdout.write(help());
    return EXIT.ok;
  }
  const parsed = parseOptions(OPTIONS, argv, 'floor');
  if (parsed.positionals.length > 0) throw new UsageError(`unknown argument "${parsed.positionals[0]}"; see pushbench floor --help`);
  const given = parsed.values as { counts?: string; duration?: string; rate?: string; payload?: string; repeat?: string; json?: string };
  const values = { counts: given.counts ?? '1000,10000,max', duration: given.duration ?? '10', rate: given.rate ?? '1', payload: given.payload ?? '21', repeat: given.repeat ?? '1', json: given.json };
  const num = (flag: string, v: string, min: number, max: number, int = false): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max || (int && !Number.isInteger(n))) {
      throw new UsageError(`--${flag} ${v} is not ${int ? 'a whole number' : 'a number'} from ${min} to ${max}`);
    }
    return n;
  };
  const limits = machineLimits();
  const max = floorMaxConnections(limits.openFiles);
  const counts = values.counts!.split(',').map((c) => (c.trim() === 'max' ? max : num('counts', c.trim(), 1, MAX_FLOOR_CONNECTIONS, true)));
  // A count above one process's share must fit a run's plan (processes, descriptors, memory): refused here, before anything starts.
  for (const c of counts) floorSplit(c, limits);
  const durationS = num('duration', values.duration!, 1, 600);
  const rate = num('rate', values.rate!, 0.1, 100);
  const payloadBytes = num('payload', values.payload!, 16, 125, true);
  const repeat = num('repeat', values.repeat, 1, MAX_FLOOR_REPEAT, true);
  const file = path.resolve(values.json ?? path.join('results', `floor-${new Date().toISOString().replace(/[:.]/g, '-')}.json`));
  const results = await measureFloor({ counts, host: '127.0.0.1', payloadBytes, rate, durationS, repeat }, (count, split, round, rounds) =>
    process.stderr.write(
      `floor: ${rounds > 1 ? `round ${round + 1} of ${rounds}: ` : ''}${count.toLocaleString('en-US')} connections${split.senders > 1 || split.receivers > 1 ? ` over ${split.senders} senders and ${split.receivers} receivers` : ''}, ${durationS} s at ${rate}/s ...\n`,
    ),
  );
  if (isStopping()) return EXIT.interrupted;
  writeResults(results as never, file);
  process.stdout.write(formatFloorTable(results) + '\n');
  process.stderr.write(`results: ${file}\n`);
  return EXIT.ok;
}
