/**
 * `node dist/harness/servers/report.js DIR|FILE... [--out FILE]`: the server comparison from results files, as Markdown
 * (default results/servers/servers.md), to look at after `npm run bench:servers`. The published reports/servers.md is a
 * generated part that `pushbench docs` renders with the same function from committed files; writing it here would
 * drop its markers and fail `pushbench docs --check`.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../results/io.js';
import { readResults } from '../../results/read.js';
import { renderServerComparison } from '../../reports/servers.js';

const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
const out = outAt >= 0 ? args[outAt + 1]! : path.join('results', 'servers', 'servers.md');
const inputs = args.filter((_, i) => outAt < 0 || (i !== outAt && i !== outAt + 1));
const files = inputs.flatMap((p) =>
  statSync(p).isDirectory()
    ? readdirSync(p)
        .filter((f) => f.endsWith('.json'))
        .map((f) => path.join(p, f))
    : [p],
);
writeFileAtomic(out, renderServerComparison(files.map((f) => readResults(f))));
process.stderr.write(`server comparison: ${out} (${files.length} results files)\n`);
