import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../harness/paths.js';
import type { FaultTransportStats, ResultsFile } from '../results/types.js';
import { faultTimelineChart, runCharts } from '../reports/charts.js';
import { FAULT_TABLE_COLUMNS, renderFaultSummary, renderFaultTables } from '../reports/faults.js';
import { runPageHtml } from '../reports/pages.js';

const quick = JSON.parse(readFileSync(path.join(packageRoot, 'test', 'fixtures', 'results-quick.json'), 'utf8')) as ResultsFile;

function entry(transport: FaultTransportStats['transport'], over: Partial<FaultTransportStats> = {}): FaultTransportStats {
  return {
    transport,
    repeat: 0,
    clients: 100,
    atS: 2,
    endS: 3,
    liveFromSeq: 7,
    affected: 100,
    messages: { expected: 1000, delivered: 1000, lost: 0, duplicated: 0, reordered: 0 },
    detect: { clients: 100, p50Ms: 20.5, maxMs: 41, by: { CLOSED: 100 } },
    resubscribe: { clients: 100, lastMs: 2800 },
    recoverMs: 2900,
    completeMs: 2900,
    recoveryBytes: { totalBytes: 40_000, baselineBytes: 22_000, excessBytes: 18_000 },
    server: { cpuShareBefore: 0.01, peakCpuShare: 0.04, rssBeforeBytes: 50 * 1048576, peakRssBytes: 56 * 1048576, peakBufferedBytes: 0 },
    errors: { ECONNRESET: 100 },
    timeline: { bucketS: 1, deliveredPerS: [200, 200, 0, 56, 544], serverCpuShare: [null, 0.01, null, null, 0.04], serverRssBytes: [1, 1, null, null, 2] },
    ...over,
  };
}

const withFaults: ResultsFile = {
  ...quick,
  faults: {
    spec: { kind: 'server-restart', atS: 2, downS: 1 },
    resume: true,
    heartbeatMs: 0,
    transports: [entry('sse'), entry('websocket', { messages: { expected: 1000, delivered: 700, lost: 300, duplicated: 0, reordered: 0 }, completeMs: null, timeline: { bucketS: 1, deliveredPerS: [200, 200, 0, 0, 300, 0], serverCpuShare: [], serverRssBytes: [] } })],
  },
};

test('fault timeline chart: absent without a faults section; one line per transport run, every second, straight from the file', () => {
  assert.equal(faultTimelineChart(quick), null);
  assert.ok(!runCharts(quick).some((c) => c.id === 'fault-timeline'));
  const spec = faultTimelineChart(withFaults)!;
  assert.equal(spec.id, 'fault-timeline');
  assert.deepEqual(spec.config.data.labels, ['0', '1', '2', '3', '4', '5']);
  assert.deepEqual(spec.config.data.datasets.map((d) => d.label), ['sse', 'websocket']);
  assert.deepEqual(spec.config.data.datasets[0]!.data, [200, 200, 0, 56, 544, 0]);
  assert.deepEqual(spec.config.data.datasets[1]!.data, [200, 200, 0, 0, 300, 0]);
  assert.deepEqual(spec.table.rows[4], ['4', '544', '300']);
  assert.match(spec.caption, /server restart at 2 s, down 1 s/);
  assert.equal(runCharts(withFaults)[0]!.id, 'fault-timeline');
  assert.match(runPageHtml(withFaults, runCharts(withFaults), [], 'run.html'), /id="fault"/);
});

test('fault table: one Markdown row per fault and transport run, figures copied from the file', () => {
  assert.equal(renderFaultTables([quick]), '');
  const md = renderFaultTables([quick, withFaults]);
  const lines = md.trim().split('\n');
  assert.equal(lines[0], `| ${FAULT_TABLE_COLUMNS.join(' | ')} |`);
  assert.equal(lines.length, 4);
  assert.equal(
    lines[2],
    '| server restart at 2 s, down 1 s | yes | sse | 100 | 100 | 0 | 0 | 0 | 20.5 ms / 41 ms (100) | CLOSED 100 | 2.8 s (100) | 2.9 s | 2.9 s | 40,000 (18,000) | 4% | 56 MiB |',
  );
  assert.match(lines[3]!, /\| websocket \| 100 \| 100 \| 300 \| 0 \| 0 \|.*\| 2\.9 s \| never \|/);
  assert.ok(!md.includes('slow clients'), 'no slow-consumer table without slow consumers');
});

test('fault summary: one bullet per file, the ranges named by transport, loss spelled out when there is any', () => {
  assert.equal(renderFaultSummary([quick]), '');
  assert.equal(
    renderFaultSummary([withFaults]),
    '- **server restart at 2 s, down 1 s**, resume on, 100 clients: lost 0 (sse), 300 (websocket) of 1,000 each, 0 duplicated; ' +
      'noticed (last client) after 41 ms (sse); the last client missed nothing again after 2.9 s (sse) ("never": it lost messages).\n',
  );
});
