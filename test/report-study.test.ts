/**
 * The kaazing study page: its figures hold the article's own numbers and the measured ones exactly as
 * reports/kaazing.ts shapes them (one source for the Markdown and the page), the 2^20 correction is drawn, and the
 * page carries every chart with its caption, permalink and CSV link.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../harness/paths.js';
import { MEBI, rowsFor, tcpByTransport, type KaazingResults } from '../reports/kaazing.js';
import { tableCsv } from '../reports/pages.js';
import { articleFigure, isKaazingResults, measuredFigure, ratioFigure, studyCharts, studyPageHtml, tcpFigure } from '../reports/study.js';

const study = JSON.parse(readFileSync(path.join(packageRoot, 'test', 'fixtures', 'kaazing-small.json'), 'utf8')) as KaazingResults;

test('the fixture is a kaazing results file and a results file is not', () => {
  assert.ok(isKaazingResults(study));
  assert.equal(isKaazingResults(JSON.parse(readFileSync(path.join(packageRoot, 'test', 'fixtures', 'results-quick.json'), 'utf8'))), false);
});

test('the article figure: printed figures and the same bit rates over 10^6, per use case', () => {
  const fig = articleFigure(study);
  const a = study.article;
  assert.deepEqual(fig.config.data.labels, ['A: 1,000 clients', 'B: 10,000 clients', 'C: 100,000 clients']);
  const [printed, corrected, wsPrinted, wsCorrected] = fig.config.data.datasets;
  assert.deepEqual(printed!.data, a.useCases.map((u) => u.pollingMbpsPrinted));
  assert.deepEqual(corrected!.data, [6.968, 69.68, 696.8]);
  assert.deepEqual(wsPrinted!.data, a.useCases.map((u) => u.websocketMbpsPrinted));
  assert.deepEqual(wsCorrected!.data, [0.016, 0.16, 1.6]);
  assert.match(printed!.label, /2\^20/);
  // 6,968,000 / 2^20 = 6.645: the article's 6.6 is the 2^20 figure.
  assert.equal(Math.round((a.useCases[0]!.pollingBitsPerS / MEBI) * 10) / 10, a.useCases[0]!.pollingMbpsPrinted);
  assert.equal((fig.config.options.scales as { y: { type: string } }).y.type, 'logarithmic');
});

test('the measured figure per profile: rowsFor’s bit rates, extrapolated cases marked, article beside', () => {
  for (const p of study.profiles) {
    const fig = measuredFigure(study, p.profile);
    const cases = study.cases.filter((c) => c.profile === p.profile);
    const [poll, artPoll, ws] = fig.config.data.datasets;
    cases.forEach((c, i) => {
      const rows = rowsFor(c, study.cases, study.rate)!.rows;
      assert.equal(poll!.data[i], rows.find((r) => r.transport === 'short-polling')!.overheadBitsPerS / 1e6);
      assert.equal(ws!.data[i], rows.find((r) => r.transport === 'websocket')!.overheadBitsPerS / 1e6);
      assert.equal(artPoll!.data[i], study.article.useCases.find((u) => u.useCase === c.useCase)!.pollingBitsPerS / 1e6);
      assert.equal(fig.config.data.labels![i]!.endsWith('(extrapolated)'), c.extrapolatedFrom !== null);
    });
  }
});

test('ratios, TCP segments and the page', () => {
  const ratios = ratioFigure(study);
  const a = study.cases.find((c) => c.profile === 'kaazing-2009' && c.useCase === 'A')!;
  const rows = rowsFor(a, study.cases, study.rate)!.rows;
  const bytes = (t: string) => rows.find((r) => r.transport === t)!;
  const expected = (bytes('short-polling').c2s + bytes('short-polling').s2c) / (bytes('websocket').c2s + bytes('websocket').s2c);
  assert.equal(ratios.config.data.datasets.find((d) => d.label === 'short-polling / websocket')!.data[0], expected);
  assert.ok(ratios.caption.includes('871 / 2 = 435.5 : 1'));

  const tcp = tcpFigure(study);
  assert.equal(tcp === null, tcpByTransport(study).size === 0);

  const charts = studyCharts(study);
  const html = studyPageHtml(study, charts, [{ href: 'index.html', text: 'All results' }], 'study.html');
  for (const c of charts) {
    assert.ok(html.includes(`id="fig-${c.id}"`), c.id);
    assert.ok(html.includes(`href="data/study-${c.id}.csv"`), c.id);
  }
  assert.ok(html.includes('<div class="pair">'));
  assert.ok(html.includes(`id="fig-measured-${study.profiles[0]!.profile}"`));
});

test('a profile name from the file cannot steer where its CSV goes', () => {
  const hostile = structuredClone(study);
  for (const c of hostile.cases) if (c.profile === 'minimal') c.profile = '../../<b>x';
  hostile.profiles.find((p) => p.profile === 'minimal')!.profile = '../../<b>x';
  const ids = studyCharts(hostile).map((c) => c.id);
  assert.ok(ids.includes('measured-b-x'), ids.join(' '));
  for (const id of ids) assert.match(id, /^[a-z0-9-]+$/);
});

test('tableCsv: numbers without separators, missing values empty, text quoted when it must be', () => {
  const csv = tableCsv({ columns: ['name', 'B/msg', 'note'], rows: [['a, b', '1,234,567', 'say "hi"'], ['c', '–', '0.5']] });
  assert.equal(csv, 'name,B/msg,note\r\n"a, b",1234567,"say ""hi"""\r\nc,,0.5\r\n');
});

test('no compiled report module loads the harness at run time (types only)', () => {
  const dir = path.join(packageRoot, 'dist', 'reports');
  const files = readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.js'));
  assert.ok(files.includes('study.js') && files.includes('comparison.js') && files.includes('verdict.js'));
  for (const f of files) {
    const js = readFileSync(path.join(dir, f), 'utf8');
    assert.doesNotMatch(js, /from ['"](\.\.\/)+harness\//, f);
    assert.doesNotMatch(js, /import\(['"](\.\.\/)+harness\//, f);
  }
});
