/**
 * Property-based fuzzing (fast-check, fixed seeds, bounded runs) of everything that reads files or flags from a
 * user: `report`, `compare`, `baseline save` and `run`'s parser, in-process. Malformed and hostile results files
 * (fields deleted, retyped, set to markup, escape sequences and paths) must never cause an internal error (only a
 * one-line usage error, exit 2), never a file outside the target folder, and never unescaped input in HTML or
 * Markdown.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { main as baselineMain } from '../harness/commands/baseline.js';
import { main as compareMain } from '../harness/commands/compare.js';
import { main as reportMain } from '../harness/commands/report.js';
import { UsageError } from '../harness/errors.js';
import { packageRoot } from '../harness/paths.js';
import { parseRunArgs, RUN_FLAGS } from '../harness/run/scenario.js';
import { capture, type Captured } from './capture.js';
import { latencySeries, resultsFile } from './compare-fixtures.js';

/** Markup that must never reach a page or a comment as markup. */
const MARK = '<x-fuzz>';
const HOSTILE = [
  `${MARK}<script>alert(1)</script>`,
  '</details><img src=x onerror=alert(1)>',
  '../../../escaped',
  '..',
  '/etc/passwd',
  'a|b\n# heading\r\n- item',
  '\u001b]0;title\u0007\u001b[31mred',
  '`tick` *star* _under_ [link](javascript:alert(1))',
  '&amp; &lt;',
  '\u2028\u2029\u0000',
  '',
  'sse',
  'x'.repeat(300),
];

const hostileString = fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 10 }).map((s) => `${MARK}${s}`));
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
  fc.constant(-1),
  fc.constant(1e308),
  fc.array(fc.oneof(fc.integer(), fc.constant(null), hostileString), { maxLength: 3 }),
);

type Json = unknown;

/** Every path into a JSON value (arrays: their first two elements), for mutations to aim at. */
function pathsOf(value: Json, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  if (Array.isArray(value)) value.slice(0, 2).forEach((v, i) => (out.push([...prefix, i]), pathsOf(v, [...prefix, i], out)));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push([...prefix, k]), pathsOf(v, [...prefix, k], out);
  return out;
}

interface Mutation {
  at: number;
  op: 'set' | 'delete';
  value: unknown;
}

const mutation = fc.record({ at: fc.nat(), op: fc.constantFrom('set' as const, 'delete' as const), value: hostileValue });

function mutate(original: Json, mutations: Mutation[], stringsOnly = false): Json {
  const copy = JSON.parse(JSON.stringify(original));
  const all = pathsOf(copy);
  const valueAt = (p: Array<string | number>): unknown => p.reduce<any>((n, k) => (n == null ? n : n[k]), copy);
  // Strings-only: every mutation replaces a text field with hostile text, so the file stays valid and reaches the pages.
  const paths = stringsOnly ? all.filter((p) => typeof valueAt(p) === 'string' && p[p.length - 1] !== 'histogram') : all;
  for (const m of mutations) {
    const p = paths[m.at % paths.length]!;
    let node = copy;
    for (const k of p.slice(0, -1)) {
      if (!node || typeof node !== 'object') break;
      node = node[k];
    }
    if (!node || typeof node !== 'object') continue;
    const last = p[p.length - 1]!;
    if (stringsOnly) node[last] = typeof m.value === 'string' ? m.value : MARK;
    else if (m.op === 'delete') {
      if (Array.isArray(node)) node.splice(Number(last), 1);
      else delete node[last];
    } else node[last] = m.value;
  }
  return copy;
}

/** Only a usage error (exit 2, one line) or a normal exit code is acceptable; anything else is an internal error. */
function acceptable(r: Captured, codes: number[]): void {
  if (r.error) {
    assert.ok(r.error instanceof UsageError, `internal error: ${(r.error as Error)?.stack ?? String(r.error)}`);
    assert.equal((r.error as UsageError).exitCode, 2);
    assert.ok(!/[\n\r]/.test((r.error as Error).message), `one line: ${JSON.stringify((r.error as Error).message)}`);
  } else assert.ok(codes.includes(r.code!), `exit code ${r.code}`);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map(String).sort();
}

const small = JSON.parse(readFileSync(path.join(packageRoot, 'test', 'fixtures', 'results-quick-small.json'), 'utf8'));

test('fuzz report: malformed and hostile results files never give an internal error or unescaped markup', async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'pb-fuzz-report-'));
  try {
    let n = 0;
    let rendered = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), async (mutations, stringsOnly) => {
        const dir = path.join(root, String(n++));
        const file = path.join(dir, 'in.json');
        const out = path.join(dir, 'site');
        mkdirSync(dir);
        writeFileSync(file, JSON.stringify(mutate(small, mutations, stringsOnly)));
        const r = await capture(reportMain, [file, '--out', out]);
        if (!r.error) rendered++;
        acceptable(r, [0]);
        const files = filesUnder(dir);
        for (const f of files) assert.ok(f === 'in.json' || f === 'site' || f.startsWith(`site${path.sep}`), `file outside the site: ${f}`);
        assert.equal(files.some((f) => f.includes('.tmp-')), false, 'no temp left');
        for (const f of files.filter((x) => x.endsWith('.html'))) {
          const html = readFileSync(path.join(dir, f), 'utf8');
          assert.equal(html.includes('<x-fuzz'), false, `unescaped input in ${f}`);
          assert.equal(html.includes('<img src=x'), false, `unescaped input in ${f}`);
        }
        rmSync(dir, { recursive: true, force: true });
      }),
      { seed: 20261201, numRuns: 60 },
    );
    assert.ok(rendered >= 10, `enough hostile files were valid enough to reach the pages (${rendered})`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

const compareBase = resultsFile([...latencySeries('sse', [10, 10.2, 9.9, 10.1, 10]), ...latencySeries('websocket', [5, 5.1, 4.9, 5, 5.2])], 'quick');
const COMPARE_FLAGS = [['--exact-only'], ['--allow-missing'], ['--repeats', '3'], ['--alpha', '0.1'], ['--seed', '7'], ['--threshold', 'latencyMs.p50=1'], ['--disable', 'messages.lost']];

test('fuzz compare: hostile names and values never give an internal error, unescaped Markdown or terminal escapes', async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'pb-fuzz-compare-'));
  let compared = 0;
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constant([] as Mutation[]), fc.array(mutation, { maxLength: 3 })),
        fc.oneof(fc.constant([] as Mutation[]), fc.array(mutation, { maxLength: 3 })),
        fc.option(hostileString, { nil: undefined }),
        fc.option(hostileString, { nil: undefined }),
        fc.subarray(COMPARE_FLAGS),
        async (mb, mc, transport, scenario, flags) => {
          const named = (f: Json): Json => {
            const o = JSON.parse(JSON.stringify(f));
            if (transport !== undefined) for (const r of o.runs) if (r.transport === 'sse') r.transport = transport;
            if (scenario !== undefined) o.scenario = scenario;
            return o;
          };
          const b = path.join(root, 'b.json');
          const c = path.join(root, 'c.json');
          const md = path.join(root, 'v.md');
          rmSync(md, { force: true });
          writeFileSync(b, JSON.stringify(mutate(named(compareBase), mb)));
          writeFileSync(c, JSON.stringify(mutate(named(compareBase), mc)));
          const r = await capture(compareMain, [b, c, '--markdown', md, ...flags.flat()]);
          acceptable(r, [0, 1]);
          if (!r.error) compared++;
          assert.equal(/[\u0000-\u0009\u000b-\u001f\u007f]/.test(r.out), false, `terminal escapes in ${JSON.stringify(r.out.slice(0, 200))}`);
          if (r.error) return;
          const text = readFileSync(md, 'utf8');
          for (const markup of ['<x-fuzz', '<img', '<script', '</details><']) assert.equal(text.includes(markup), false, `raw ${markup} in Markdown`);
          assert.equal((text.match(/<\/details>/g) ?? []).length, text.includes('<details>') ? 1 : 0);
          assert.equal(/[\u0000-\u0009\u000b-\u001f\u2028\u2029]/.test(text), false, 'control characters in Markdown');
          for (const line of text.split('\n').filter((l) => l.startsWith('| '))) assert.match(line, /\|$/);
        },
      ),
      { seed: 1201, numRuns: 150 },
    );
    assert.ok(compared >= 20, `enough hostile pairs were valid enough to be compared (${compared})`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('fuzz baseline save: names from files and flags never write outside the folder', async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'pb-fuzz-baseline-'));
  try {
    const inner = path.join(root, 'a', 'b');
    mkdirSync(inner, { recursive: true });
    const src = path.join(inner, 'src.json');
    await fc.assert(
      fc.asyncProperty(hostileString, fc.option(hostileString, { nil: undefined }), fc.array(mutation, { maxLength: 2 }), async (scenario, name, mutations) => {
        writeFileSync(src, JSON.stringify(mutate({ ...compareBase, scenario }, mutations)));
        const r = await capture(baselineMain, ['save', src, '--dir', path.join(inner, 'baselines'), ...(name === undefined ? [] : ['--name', name])]);
        acceptable(r, [0]);
        const all = filesUnder(root);
        for (const f of all) {
          const ok = ['a', path.join('a', 'b'), path.join('a', 'b', 'src.json'), path.join('a', 'b', 'baselines')].includes(f) || f.startsWith(path.join('a', 'b', 'baselines') + path.sep);
          assert.ok(ok, `a file outside the baseline folder: ${JSON.stringify(f)}`);
        }
        const saved = path.join(inner, 'baselines');
        for (const f of existsSync(saved) ? readdirSync(saved) : []) assert.match(f, /^[A-Za-z0-9_-][A-Za-z0-9._-]*\.json$/);
      }),
      { seed: 77, numRuns: 150 },
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("fuzz run's parser: any flag combination parses or is one usage error", () => {
  const names = [...Object.keys(RUN_FLAGS), '--dashboard', '--no-report', '--no-permessage-deflate', '--bogus', 'quick', 'scale-1k', '-x'];
  const token = fc.oneof(
    fc.constantFrom(...names),
    fc.constantFrom(...names).chain((n) => fc.oneof(hostileString, fc.constantFrom('0', '-1', '1e309', 'NaN', '3', '0.5', 'true', '1_000')).map((v) => `${n}=${v}`)),
    fc.constantFrom('0', '-1', '1e309', 'NaN', '3', '0.5', 'true', 'sse,websocket', 'minimal', ''),
    hostileString,
  );
  fc.assert(
    fc.property(fc.array(token, { maxLength: 8 }), (argv) => {
      try {
        parseRunArgs(argv);
      } catch (e) {
        assert.ok(e instanceof UsageError, `internal error for ${JSON.stringify(argv)}: ${(e as Error)?.stack ?? String(e)}`);
      }
    }),
    { seed: 4242, numRuns: 400 },
  );
});
