import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COLUMNS, COST_COLUMNS, formatMarkdownTable, formatTable } from '../reports/table.js';
import type { CompletedTransportRun } from '../results/types.js';
import { completedRun, resultsFile } from './compare-fixtures.js';
import { cpuTicks, stealShare } from '../harness/measure/environment.js';

/** The cost table's cells of one run, by column title. */
function costCells(run: CompletedTransportRun): Record<string, string> {
  return Object.fromEntries(COST_COLUMNS.map((c) => [c.title, c.cell(run)]));
}

test('the cost table derives per-message CPU, cores and per-connection memory from the run, and nothing else', () => {
  const run: CompletedTransportRun = {
    ...completedRun('websocket', 0),
    clients: 100_000,
    windowS: 10,
    messages: { expected: 1_000_000, delivered: 1_000_000, lost: 0, duplicated: 0, reordered: 0 },
    connect: { connected: 100_000, durationMs: 36_276, errors: {} },
    latencyMs: { p50: 350, p90: 500, p99: 720, p999: 812.5, max: 900, mean: 360, count: 1_000_000, histogram: '' },
    memory: {
      serverIdleRssBytes: 0,
      serverConnectedRssBytes: 0,
      serverBytesPerConnection: 8_560,
      clientIdleRssBytes: 0,
      clientConnectedRssBytes: 0,
      clientBytesPerConnection: 8_050,
    },
  };
  run.server = { ...run.server, processes: 7, cpuSeconds: 7.5, cpuSecondsPerMessage: 7.5 / 1_000_000 };
  run.clientWorkers = { ...run.clientWorkers, processes: 10, cpuSeconds: 6.25 };
  run.server.publishLateMs = { messages: 10, p50Ms: 0.4, p99Ms: 12.25, maxMs: 12.25 };
  run.cpuFloor = {
    file: 'floor.json',
    floorStartedAt: '2026-12-01T00:00:00.000Z',
    serverFloorUsPerMessage: 6.25,
    serverFloorConnections: 19_936,
    clientFloorUsPerMessage: 5,
    clientFloorConnections: 10_000,
    serverRatio: 1.2,
    clientRatio: 1.25,
  };
  assert.deepEqual(costCells(run), {
    transport: 'websocket',
    protocol: 'h1',
    clients: '100,000',
    'srv procs': '7',
    workers: '10',
    'connect s': '36.3',
    'p99.9 ms': '812.5',
    'max ms': '900.0',
    'pub late p99 ms': '12.3',
    'srv CPU us/msg': '7.5',
    'TLS srv us/msg': '-',
    'TLS cli us/msg': '-',
    'cli CPU us/msg': '6.3',
    'srv xfloor': '1.20',
    'cli xfloor': '1.25',
    'srv cores': '0.75',
    'cli cores': '0.63',
    'srv B/conn': '8,560',
    'cli B/conn': '8,050',
  });
});

test('the cost table says how many connected when not all did, and "-" where nothing was measured', () => {
  const run: CompletedTransportRun = { ...completedRun('sse', 0), connect: { connected: 7, durationMs: 70_000, errors: {} } };
  const cells = costCells(run);
  assert.equal(cells['connect s'], '70.0 (7 connected)');
  assert.equal(cells['srv B/conn'], '-');
  const errored = { ...completedRun('sse', 0), state: 'errored' as const, error: 'boom' };
  for (const c of COST_COLUMNS.slice(3)) assert.equal(c.cell(errored as never), '-', c.title);
});

test('both tables print one header, one rule and one row per run, columns aligned', () => {
  const results = resultsFile([completedRun('websocket', 0), completedRun('sse', 0)]);
  for (const columns of [COLUMNS, COST_COLUMNS]) {
    const lines = formatTable(results, columns).split('\n');
    assert.equal(lines.length, 4);
    assert.match(lines[1]!, /^-+( +-+)+$/);
    assert.equal(formatMarkdownTable(results, columns).split('\n').length, 4);
  }
});

test('a run the hypervisor took CPU from says so in its notes, from 1% up', () => {
  const notes = COLUMNS.find((c) => c.title === 'notes')!;
  assert.equal(notes.cell({ ...completedRun('sse', 0), machine: { stealShare: 0.004 } }), 'bytes = model');
  assert.equal(notes.cell({ ...completedRun('sse', 0), machine: { stealShare: 0.123 } }), 'bytes = model; host took 12% of the CPU');
});

test('steal share is the hypervisor\'s part of all CPU ticks between two readings, and unknown without both', () => {
  assert.equal(stealShare({ total: 1000, steal: 10 }, { total: 1200, steal: 60 }), 0.25);
  assert.equal(stealShare(null, { total: 1200, steal: 60 }), null);
  assert.equal(stealShare({ total: 1000, steal: 10 }, { total: 1000, steal: 10 }), null);
  const now = cpuTicks();
  if (now) assert.ok(now.total > 0 && now.steal >= 0 && now.steal <= now.total);
});
