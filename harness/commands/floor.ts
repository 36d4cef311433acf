/**
 * `pushbench floor`: what a bare Node sender and receiver pay per message over loopback TCP on this machine, at
 * several connection counts. Every run's CPU per message is read against it (docs/scale.md).
 */
import path from 'node:path';
import { machineLimits } from '../measure/environment.js';
import { EXIT, UsageError, parseFlags } from '../errors.js';
import { floorMaxConnections, measureFloor } from '../measure/floor.js';
import { writeResults } from '../../results/io.js';
import { formatFloorTable } from '../../reports/floor.js';
import { isStopping } from '../run/children.js';

export const summary = 'measure the CPU floor of a bare sender and receiver on loopback: pushbench floor [flags]';

const HELP = `usage: pushbench floor [--counts LIST] [--duration S] [--rate M] [--payload BYTES] [--json FILE]

Measures the CPU per message of a bare node:net sender (one prepared WebSocket frame written to every socket per
tick) and a bare receiver (onread into one shared buffer), each in its own process, at each connection count.

  --counts LIST      connection counts, comma-separated; "max" = the most one process holds (default 1000,10000,max)
  --duration S       seconds of broadcasting per count (default 10)
  --rate M           broadcasts per second (default 1)
  --payload BYTES    payload of each frame, 16 to 125 (default 21: a 23-byte frame)
  --json FILE        results file (default results/floor-<time>.json)

example: pushbench floor --counts 1000,10000 --duration 5`;

export async function main(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    {
      args: argv,
      options: {
        counts: { type: 'string', default: '1000,10000,max' },
        duration: { type: 'string', default: '10' },
        rate: { type: 'string', default: '1' },
        payload: { type: 'string', default: '21' },
        json: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    },
    'pushbench floor',
  );
  if (values.help) {
    process.stdout.write(HELP + '\n');
    return EXIT.ok;
  }
  const num = (flag: string, v: string, min: number, max: number, int = false): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max || (int && !Number.isInteger(n))) {
      throw new UsageError(`--${flag} ${v} is not ${int ? 'a whole number' : 'a number'} from ${min} to ${max}`);
    }
    return n;
  };
  const limits = machineLimits();
  const max = floorMaxConnections(limits.openFiles);
  const counts = values.counts!.split(',').map((c) => (c.trim() === 'max' ? max : num('counts', c.trim(), 1, max, true)));
  const durationS = num('duration', values.duration!, 1, 600);
  const rate = num('rate', values.rate!, 0.1, 100);
  const payloadBytes = num('payload', values.payload!, 16, 125, true);
  const file = path.resolve(values.json ?? path.join('results', `floor-${new Date().toISOString().replace(/[:.]/g, '-')}.json`));
  const results = await measureFloor({ counts, host: '127.0.0.1', payloadBytes, rate, durationS }, (count) =>
    process.stderr.write(`floor: ${count.toLocaleString('en-US')} connections, ${durationS} s at ${rate}/s ...\n`),
  );
  if (isStopping()) return EXIT.interrupted;
  writeResults(results as never, file);
  process.stdout.write(formatFloorTable(results) + '\n');
  process.stderr.write(`results: ${file}\n`);
  return EXIT.ok;
}
