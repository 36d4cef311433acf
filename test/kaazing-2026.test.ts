import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFile } from '../results/read.js';
import { articleOverhead, cells2026, overheadPerMessage, renderKaazing2026, todays } from '../reports/kaazing-2026.js';
import { replaceStudyPart } from '../harness/commands/kaazing.js';
import type { CompletedTransportRun, ResultsFile } from '../results/types.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const kaazing = readFile(path.join(root, 'test/fixtures/kaazing-small.json'), ['kaazing']);
const quick = readFile(path.join(root, 'test/fixtures/results-quick-small.json'), ['results']);

/** The same runs, as if measured over TLS with every overhead `extra` bytes larger. */
function overTls(f: ResultsFile, extra: number): ResultsFile {
  const runs = f.runs.map((r) => {
    if (r.state !== 'completed') return r;
    const pm = r.wire.perMessage;
    return { ...r, transportOptions: { ...r.transportOptions, tls: true }, wire: { ...r.wire, perMessage: { ...pm, c2sOverheadBytes: pm.c2sOverheadBytes + extra, s2cOverheadBytes: pm.s2cOverheadBytes } } };
  });
  return { ...f, runs } as ResultsFile;
}

test('the article gives 871 B to either kind of poll, 2 B to WebSocket, nothing to SSE or streaming', () => {
  const a = kaazing.article;
  assert.equal(articleOverhead(a, 'short-polling'), a.pollOverheadBytes);
  assert.equal(articleOverhead(a, 'long-polling'), a.pollOverheadBytes);
  assert.equal(articleOverhead(a, 'websocket'), a.websocketFrameBytes);
  assert.equal(articleOverhead(a, 'sse'), null);
  assert.equal(articleOverhead(a, 'http-streaming'), null);
});

test("each cell is the run's measured overhead both ways; today's protocol is the TLS one when both exist", () => {
  const cells = cells2026([quick, overTls(quick, 22)]);
  const ws = quick.runs.find((r) => r.transport === 'websocket' && r.state === 'completed') as CompletedTransportRun;
  assert.equal(cells.get('websocket')!.get('h1')!.bytes, overheadPerMessage(ws));
  assert.equal(cells.get('websocket')!.get('h1+tls')!.bytes, overheadPerMessage(ws) + 22);
  assert.equal(todays(cells.get('websocket')!), 'h1+tls');
  assert.equal(todays(new Map([['h1', cells.get('websocket')!.get('h1')!]])), 'h1');
});

test('the cost table is the measured bytes x clients x 8, and the changes are said in bytes', () => {
  const md = renderKaazing2026(kaazing.article, [quick, overTls(quick, 22)], [1000, 100_000]);
  const ws = quick.runs.find((r) => r.transport === 'websocket' && r.state === 'completed') as CompletedTransportRun;
  const bytes = overheadPerMessage(ws) + 22;
  const row = md.split('\n').find((l) => l.startsWith('| websocket | HTTP/1.1 + TLS |'))!;
  const cells = row.split('|').map((c) => c.trim());
  // transport, protocol, then 2010 and today for each count.
  assert.equal(Number(cells[4]), Number(((bytes * 8 * 1000) / 1e6).toPrecision(3)));
  assert.equal(Number(cells[3]), Number(((kaazing.article.websocketFrameBytes * 8 * 1000) / 1e6).toPrecision(3)));
  assert.match(md, /\*\*websocket\*\*: 2 B in 2010's article, .* so TLS adds 22\.0 B per message/);
});

test("pushbench kaazing replaces only its own part of an existing report and keeps what follows", () => {
  const old = '<!-- pushbench:begin kaazing source=a.json -->\nold study\n<!-- pushbench:end -->\n\n## 2026\n\n<!-- pushbench:begin kaazing-2026 source=a.json,b.json -->\nx\n<!-- pushbench:end -->\n';
  const part = '<!-- pushbench:begin kaazing source=c.json -->\nnew study\n<!-- pushbench:end -->\n';
  const out = replaceStudyPart(old, part);
  assert.ok(out.startsWith(part.trimEnd()));
  assert.ok(out.includes('## 2026') && out.includes('kaazing-2026 source=a.json,b.json'));
  assert.ok(!out.includes('old study'));
  assert.equal(replaceStudyPart(null, part), part);
});

test('the study page draws the 2026 figure from the newest modern file per protocol, and none without one', async () => {
  const { figure2026 } = await import('../reports/study.js');
  const { latestByProtocol } = await import('../reports/kaazing-2026.js');
  const older = { ...quick, scenario: 'modern', startedAt: '2026-01-01T00:00:00.000Z' } as ResultsFile;
  const newer = { ...quick, scenario: 'modern', startedAt: '2026-02-01T00:00:00.000Z' } as ResultsFile;
  const tls = { ...overTls(quick, 22), scenario: 'modern', startedAt: '2026-01-15T00:00:00.000Z' } as ResultsFile;
  const chosen = latestByProtocol([older, tls, newer, quick]);
  assert.deepEqual(chosen.map((f) => f.startedAt).sort(), [tls.startedAt, newer.startedAt]);
  assert.equal(figure2026(kaazing, []), null);
  const fig = figure2026(kaazing, chosen)!;
  assert.deepEqual(fig.table.columns, ['transport', '2010 article', 'HTTP/1.1', 'HTTP/1.1 + TLS']);
  const ws = fig.table.rows.find((r) => r[0] === 'websocket')!;
  assert.equal(ws[1], String(kaazing.article.websocketFrameBytes));
});
