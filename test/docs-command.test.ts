/**
 * `pushbench docs --check` holds the published figures to their committed results files: it passes on the committed
 * tree, names the document and part when a generated number was edited by hand, and refuses a missing results file.
 * Works on a temporary copy of the documents and docs/results/, never on the repository itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { packageRoot } from '../harness/paths.js';
import { parseParts } from '../reports/docs.js';

const cli = path.join(packageRoot, 'dist', 'harness', 'cli.js');

function docs(root: string, ...args: string[]): { code: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [cli, 'docs', '--root', root, ...args], { encoding: 'utf8' });
  return { code: r.status, stderr: r.stderr };
}

/** The documents and the results they are rendered from, copied into a fresh directory. */
function copyTree(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pushbench-docs-'));
  cpSync(path.join(packageRoot, 'README.md'), path.join(dir, 'README.md'));
  cpSync(path.join(packageRoot, 'docs'), path.join(dir, 'docs'), { recursive: true });
  mkdirSync(path.join(dir, 'reports'));
  for (const n of readdirSync(path.join(packageRoot, 'reports')).filter((n) => n.endsWith('.md'))) cpSync(path.join(packageRoot, 'reports', n), path.join(dir, 'reports', n));
  return dir;
}

test('docs --check passes on the committed documents and results', () => {
  const r = docs(packageRoot, '--check');
  assert.equal(r.code, 0, r.stderr);
});

test('the README, docs/scale.md and reports/kaazing.md each hold generated parts', () => {
  const kinds = (doc: string): string[] => parseParts(readFileSync(path.join(packageRoot, doc), 'utf8'), doc).map((p) => p.kind);
  assert.deepEqual(kinds('README.md').slice(0, 1), ['quick-table']);
  // The README answers what the machine sustains; capacity figures from before the sustained rule are history in docs/scale.md.
  assert.ok(kinds('README.md').includes('sustained'));
  assert.ok(kinds('docs/scale.md').includes('capacity-table'));
  assert.ok(kinds('docs/scale.md').includes('scale-table'));
  assert.deepEqual(kinds('reports/kaazing.md'), ['kaazing', 'kaazing-2026']);
});

test('docs --check fails on a hand-edited generated table, naming document and part; docs re-renders it', () => {
  const dir = copyTree();
  try {
    const file = path.join(dir, 'docs', 'scale.md');
    const text = readFileSync(file, 'utf8');
    const part = parseParts(text, 'docs/scale.md').find((p) => p.kind === 'scale-table')!;
    // Change one cell of the first data row: its delivered/expected count.
    const edited = part.body.replace(/\| (\d[\d,]*)\/(\d[\d,]*) \|/, (_m, a: string, b: string) => `| ${a}0/${b} |`);
    assert.notEqual(edited, part.body);
    writeFileSync(file, text.slice(0, part.start) + edited + text.slice(part.end));

    const check = docs(dir, '--check');
    assert.equal(check.code, 1);
    assert.match(check.stderr, new RegExp(`docs/scale\\.md: generated part scale-table \\(line ${part.line}\\) differs`));
    assert.equal(readFileSync(file, 'utf8').includes(edited), true, '--check writes nothing');

    assert.equal(docs(dir).code, 0);
    assert.equal(readFileSync(file, 'utf8'), text);
    assert.equal(docs(dir, '--check').code, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('hand-written text outside the markers is not checked and stays', () => {
  const dir = copyTree();
  try {
    const file = path.join(dir, 'README.md');
    const text = readFileSync(file, 'utf8').replace('## Reading the table', '## Reading the tables (edited)');
    writeFileSync(file, text);
    assert.equal(docs(dir, '--check').code, 0);
    assert.equal(docs(dir).code, 0);
    assert.equal(readFileSync(file, 'utf8'), text);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a marker naming a missing results file is an input error: exit 2, one line, nothing written', () => {
  const dir = copyTree();
  try {
    const file = path.join(dir, 'README.md');
    const text = readFileSync(file, 'utf8');
    const broken = text.replace(/(pushbench:begin quick-table source=)\S+/, '$1docs/results/nowhere.json');
    writeFileSync(file, broken);
    // Another document's part made stale: a failed render must not rewrite it either.
    const scale = path.join(dir, 'docs', 'scale.md');
    const scaleText = readFileSync(scale, 'utf8').replace(/(pushbench:begin scale-table[^\n]*\n)/, '$1stale\n');
    writeFileSync(scale, scaleText);
    for (const args of [['--check'], []]) {
      const r = docs(dir, ...args);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^pushbench: no results file docs\/results\/nowhere\.json; /);
      assert.equal(r.stderr.trim().split('\n').length, 1);
    }
    assert.equal(readFileSync(file, 'utf8'), broken);
    assert.equal(readFileSync(scale, 'utf8'), scaleText);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('unpaired and unknown markers are input errors with the line', () => {
  assert.throws(() => parseParts('a\n<!-- pushbench:begin quick-table source=docs/results/x.json -->\nb\n', 'X.md'), /X\.md:2: the quick-table part is never closed/);
  assert.throws(() => parseParts('<!-- pushbench:end -->\n', 'X.md'), /X\.md:1: .* without a pushbench:begin/);
  assert.throws(() => parseParts('<!-- pushbench:begin nonsense source=docs/results/x.json -->\n<!-- pushbench:end -->\n', 'X.md'), /unknown generated part "nonsense"/);
  assert.throws(() => parseParts('<!-- pushbench:begin quick-table -->\n<!-- pushbench:end -->\n', 'X.md'), /names no results file/);
  // Only committed results: a run's own results/ folder is git-ignored, so CI could never re-render from it.
  assert.throws(() => parseParts('<!-- pushbench:begin kaazing source=results/kaazing.json -->\n<!-- pushbench:end -->\n', 'X.md'), /X\.md:1: results\/kaazing\.json is not in docs\/results\//);
  assert.throws(() => parseParts('<!-- pushbench:begin kaazing source=docs/results/../../x.json -->\n<!-- pushbench:end -->\n', 'X.md'), /is not in docs\/results\//);
});

test('pushbench kaazing --render writes the same document pushbench docs publishes', () => {
  const committed = readFileSync(path.join(packageRoot, 'reports', 'kaazing.md'), 'utf8');
  const [part] = parseParts(committed, 'reports/kaazing.md');
  assert.ok(part && part.kind === 'kaazing' && part.sources.length === 1);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pushbench-kaazing-render-'));
  try {
    const out = path.join(dir, 'kaazing.md');
    // Re-rendered over the committed report: the study part is rewritten, the 2026 part after it is kept.
    writeFileSync(out, committed);
    const r = spawnSync(process.execPath, [cli, 'kaazing', '--render', part.sources[0]!, '--report', out], { cwd: packageRoot, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(readFileSync(out, 'utf8'), committed);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
