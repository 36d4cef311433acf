/**
 * `pushbench docs [--check] [--root DIR]`: re-renders every generated part of README.md, docs/*.md and reports/*.md
 * from the committed results files its markers name (reports/docs.ts says how parts are marked). With --check it
 * writes nothing and exits 1 when a committed part differs from what its results render to, naming document and part.
 * Input problems (a marker it cannot read, a missing or foreign results file): one line, exit 2, nothing written.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { EXIT, UsageError } from '../errors.js';
import { formatHelp, parseOptions, wantsHelp, type OptionTable } from '../options.js';
import { writeFileAtomic } from '../../results/io.js';
import { DocsInputError, PART_KINDS, parseParts, renderDocument, sourcesOf, type DocInput } from '../../reports/docs.js';
import { ResultsInputError } from '../../results/errors.js';
import { parseFile } from '../../results/read.js';
import type { ResultsFile } from '../../results/types.js';
import type { FloorResults } from '../../results/floor.js';

export const summary = 're-render the figures in README.md, docs/*.md and reports/*.md from docs/results/: pushbench docs [--check]';

const OPTIONS: OptionTable = {
  '--check': { key: 'check', spec: { kind: 'bool' }, help: 'render in memory, write nothing; exit 1 naming each part that differs from the committed text' },
  '--root': { key: 'root', spec: { kind: 'string' }, help: 'the repository to work on', value: 'DIR', default: 'the current directory' },
};

function help(): string {
  return formatHelp({
    usage: 'pushbench docs [options]',
    description: [
      'Re-renders each generated part of README.md, docs/*.md and reports/*.md, i.e. the text between',
      '  <!-- pushbench:begin KIND source=docs/results/FILE.json[,FILE…] [clients=N] [transports=a,b] -->',
      '  <!-- pushbench:end -->',
      'from the results files it names (.json or .json.gz, relative to the root). Hand-written text outside the markers stays.',
      `Kinds: ${PART_KINDS.join(', ')}.`,
      'Exit codes: 0 every part up to date (or rewritten), 1 --check found a difference, 2 bad marker or results file.',
    ].join('\n'),
    table: OPTIONS,
    examples: ['pushbench docs', 'pushbench docs --check'],
  });
}

export interface DocsArgs {
  check: boolean;
  root: string;
}

export function parseDocsArgs(argv: string[]): DocsArgs {
  const { values, positionals } = parseOptions(OPTIONS, argv, 'docs');
  if (positionals.length > 0) throw new UsageError(`unknown argument ${positionals[0]}; see pushbench docs --help`);
  const a: DocsArgs = { check: values.check === true, root: (values.root as string | undefined) ?? '.' };
  if (!existsSync(path.join(a.root, 'README.md'))) throw new UsageError(`${path.resolve(a.root)} has no README.md; run from the repository root or pass --root DIR`);
  return a;
}

/** The documents that may hold generated parts, relative to the root. */
function documents(root: string): string[] {
  const md = (dir: string): string[] =>
    existsSync(path.join(root, dir))
      ? readdirSync(path.join(root, dir))
          .filter((n) => n.endsWith('.md'))
          .sort()
          .map((n) => path.posix.join(dir, n))
      : [];
  return ['README.md', ...md('docs'), ...md('reports')];
}

/**
 * Reads one results file a part names: the only place documents' inputs are read, so a stricter reader can take
 * its place. A `pushbench run`/`capacity` results file or a `pushbench kaazing` study; gzip when it ends in .gz.
 */
export function loadSource(root: string, source: string): DocInput {
  const file = path.join(root, source);
  let raw: unknown;
  try {
    const bytes = readFileSync(file);
    raw = JSON.parse((source.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8'));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new DocsInputError(err.code === 'ENOENT' ? `no results file ${source}; commit it under docs/results/ or fix the source= of its marker` : `cannot read ${source}: ${err.message.split('\n')[0]}`);
  }
  // Through the one validating reader: every field the documents read is checked, old and new kinds alike.
  try {
    const f = parseFile(raw, source, ['results', 'kaazing', 'floor']);
    if (f.kind === 'kaazing') return { kind: 'kaazing', source, results: f };
    if (f.kind === 'floor') return { kind: 'floor', source, results: f as FloorResults };
    return { kind: 'run', source, results: f as ResultsFile };
  } catch (e) {
    if (e instanceof ResultsInputError) throw new DocsInputError(e.message);
    throw e;
  }
}

export async function main(argv: string[]): Promise<number> {
  if (wantsHelp(argv)) {
    process.stdout.write(help());
    return EXIT.ok;
  }
  const args = parseDocsArgs(argv);
  const rendered: Array<{ doc: string; text: string; before: string; changed: string[] }> = [];
  try {
    const inputs = new Map<string, DocInput>();
    for (const doc of documents(args.root)) {
      const before = readFileSync(path.join(args.root, doc), 'utf8');
      const parts = parseParts(before, doc);
      if (!parts.length) continue;
      for (const s of sourcesOf(parts)) if (!inputs.has(s)) inputs.set(s, loadSource(args.root, s));
      const { text, changed } = renderDocument(before, doc, inputs);
      rendered.push({ doc, text, before, changed: changed.map((p) => `${p.kind} (line ${p.line})`) });
    }
  } catch (e) {
    // Everything is rendered before anything is written: a bad input leaves every document as it was.
    if (e instanceof DocsInputError) throw new UsageError(e.message);
    throw e;
  }
  const stale = rendered.filter((r) => r.changed.length);
  if (args.check) {
    for (const r of stale) process.stderr.write(`pushbench docs: ${r.doc}: generated part ${r.changed.join(', ')} differs from its results; run pushbench docs and commit\n`);
    if (!stale.length) process.stderr.write(`pushbench docs: ${rendered.length} documents, every generated part matches its results\n`);
    return stale.length ? EXIT.failed : EXIT.ok;
  }
  for (const r of stale) {
    writeFileAtomic(path.join(args.root, r.doc), r.text);
    process.stderr.write(`pushbench docs: ${r.doc}: re-rendered ${r.changed.join(', ')}\n`);
  }
  if (!stale.length) process.stderr.write(`pushbench docs: ${rendered.length} documents already up to date\n`);
  return EXIT.ok;
}
