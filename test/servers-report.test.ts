/** The server comparison table is a pure function of results files: rows per transport and server, figures as recorded. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { packageRoot } from '../harness/paths.js';
import { renderServerComparison, runKind } from '../reports/servers.js';
import { formatTable } from '../reports/table.js';
import type { CompletedTransportRun, ResultsFile, ServerKind } from '../results/types.js';

const fixture = (): ResultsFile => JSON.parse(readFileSync(path.join(packageRoot, 'test', 'fixtures', 'results-quick-small.json'), 'utf8'));

/** The fixture's runs as if measured against `kind` (bytes from the clients, as the other kinds are). */
function as(kind: ServerKind, startedAt: string): ResultsFile {
  const f = fixture();
  f.startedAt = startedAt;
  f.options.server = kind;
  for (const r of f.runs) if (r.state === 'completed') (r as CompletedTransportRun).server.kind = kind;
  return f;
}

test('server comparison: one row per transport and server, in order, with the recorded figures', () => {
  const embedded = fixture();
  const nchan = as('nchan', '2099-01-01T00:00:00.000Z');
  const md = renderServerComparison([nchan, embedded]);
  const first = embedded.runs.find((r) => r.state === 'completed') as CompletedTransportRun;
  assert.match(md, /^# Servers compared/);
  assert.ok(md.includes(`## ${first.clients.toLocaleString('en-US')} clients`));
  const rows = md.split('\n').filter((l) => l.startsWith(`| ${first.transport} |`));
  assert.deepEqual(rows.map((l) => l.split(' | ')[1]), ['embedded (Node)', 'nginx + nchan']);
  assert.ok(rows[0]!.includes(`${first.messages.delivered.toLocaleString('en-US')} / ${first.messages.expected.toLocaleString('en-US')}`));
  assert.ok(rows[0]!.includes(first.latencyMs.p99.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })));
  assert.ok(md.includes(embedded.environment.cpuModel));
  // The same input renders the same text; input order does not matter.
  assert.equal(renderServerComparison([embedded, nchan]), md);
});

test('a combination measured twice: the later file stands; older files without a kind are the embedded servers', () => {
  const f = fixture();
  delete (f.options as { server?: unknown }).server;
  for (const r of f.runs) if (r.state === 'completed') delete (r as { server: { kind?: unknown } }).server.kind;
  assert.equal(runKind(f, f.runs[0]!), 'embedded');
  const later = as('embedded', '2099-01-01T00:00:00.000Z');
  const r0 = later.runs[0] as CompletedTransportRun;
  r0.messages.delivered = 7;
  const md = renderServerComparison([later, f]);
  const row = md.split('\n').find((l) => l.startsWith(`| ${r0.transport} | embedded`))!;
  assert.match(row, /\| 7 \/ /);
});

test('the run table names the server when it is not pushbench\'s own', () => {
  const table = formatTable(as('socketio', '2099-01-01T00:00:00.000Z'));
  assert.match(table, /@socketio/);
  assert.doesNotMatch(formatTable(fixture()), /@/);
});
