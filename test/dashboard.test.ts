/**
 * The live dashboard: bound to loopback only, refuses foreign Host headers, sends a late-joining page the recent
 * samples, and updates an open page from publish() calls.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { startDashboard } from '../dashboards/server.js';
import { launchChromium } from '../harness/capture/browser.js';
import { packageRoot } from '../harness/paths.js';
import type { LiveSample, TransportName } from '../results/types.js';

function sample(tS: number, transport: TransportName): LiveSample {
  return {
    tMs: tS * 1000, transport, phase: 'publishing', clients: 200, connected: 200, published: tS,
    messagesPerS: 190 + tS, bytesPerS: 4000 + tS * 10, latencyMs: { p50: 0.5 + tS / 100, p99: 2 + tS / 10 },
    processes: [{ role: 'server', pid: 4242, cpuPercent: 10 + tS, rssBytes: 50 * 1048576 }, { role: 'client', pid: 4343, cpuPercent: 30, rssBytes: 80 * 1048576 }],
  };
}

function get(url: string, host?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: host ? { host } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('binds 127.0.0.1, serves page, script and Chart.js, and refuses other Host names', async () => {
  const d = await startDashboard({ port: 0 });
  try {
    assert.match(d.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const port = new URL(d.url).port;
    assert.equal((await get(d.url)).status, 200);
    assert.match((await get(`${d.url}live.js`)).body, /EventSource/);
    assert.equal((await get(`${d.url}chart.umd.min.js`)).status, 200);
    assert.equal((await get(`${d.url}nothing`)).status, 404);
    assert.equal((await get(d.url, `localhost:${port}`)).status, 200);
    assert.equal((await get(d.url, `attacker.example:${port}`)).status, 403);
  } finally {
    await d.close();
  }
});

test('a late-joining page gets the recent samples, then live ones, and learns when the run ends', async () => {
  const d = await startDashboard({ port: 0, recentSamples: 5 });
  const browser = await launchChromium();
  try {
    for (let t = 1; t <= 8; t++) d.publish(sample(t, 'sse'));
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(d.url);
    await page.waitForFunction(() => document.getElementById('v-published')!.textContent === '8');
    const backlog = await page.evaluate(() => {
      const chart = (window as unknown as { Chart: { getChart(c: Element): { data: { datasets: Array<{ label: string; data: Array<{ x: number; y: number }> }> } } } }).Chart;
      return chart.getChart(document.getElementById('chart-messages')!).data.datasets.map((ds) => ({ label: ds.label, x: ds.data.map((p) => p.x) }));
    });
    // Only the last five samples were kept for pages that open late.
    assert.deepEqual(backlog, [{ label: 'sse', x: [4, 5, 6, 7, 8] }]);

    for (let t = 9; t <= 11; t++) d.publish(sample(t, 'websocket'));
    await page.waitForFunction(() => document.getElementById('v-published')!.textContent === '11');
    const shown = await page.evaluate(() => {
      const chart = (window as unknown as { Chart: { getChart(c: Element): { data: { datasets: Array<{ label: string; data: Array<{ x: number; y: number }> }> } } } }).Chart;
      const text = (id: string) => document.getElementById(id)!.textContent;
      return {
        values: ['v-transport', 'v-phase', 'v-connected', 'v-messages', 'v-bytes', 'v-p50', 'v-p99'].map(text),
        latency: chart.getChart(document.getElementById('chart-latency')!).data.datasets.map((ds) => `${ds.label}:${ds.data.length}`),
        cpu: chart.getChart(document.getElementById('chart-cpu')!).data.datasets.map((ds) => `${ds.label}:${ds.data.map((p) => p.y).join(',')}`),
        processes: Array.from(document.querySelectorAll('#processes tr')).map((tr) => tr.textContent),
      };
    });
    const last = sample(11, 'websocket');
    assert.deepEqual(shown.values, ['websocket', 'publishing', '200 / 200', String(last.messagesPerS), '4,110', String(last.latencyMs!.p50), String(last.latencyMs!.p99)]);
    assert.deepEqual(shown.latency, ['sse p50:5', 'sse p99:5', 'websocket p50:3', 'websocket p99:3']);
    assert.deepEqual(shown.cpu, ['server 4242:14,15,16,17,18,19,20,21', 'client 4343:30,30,30,30,30,30,30,30']);
    assert.deepEqual(shown.processes, ['server 424221' + '50', 'client 43433080']);
    await mkdir(path.join(packageRoot, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: path.join(packageRoot, 'test-artifacts', 'dashboard.png'), fullPage: true });

    await d.close();
    await page.waitForFunction(() => document.getElementById('status')!.textContent!.startsWith('Run finished'));
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    await d.close().catch(() => {});
  }
});

test('/metrics serves the newest sample of each transport as OpenMetrics text', async () => {
  const { checkOpenMetrics } = await import('./openmetrics-check.js');
  const d = await startDashboard({ port: 0 });
  try {
    const empty = await get(`${d.url}metrics`);
    assert.equal(empty.status, 200);
    assert.equal(empty.body, '# EOF\n', 'nothing measured yet: an empty exposition');
    d.publish(sample(1, 'sse'));
    d.publish(sample(2, 'sse'));
    d.publish(sample(1, 'websocket'));
    const res = await new Promise<{ type: string; body: string }>((resolve, reject) => {
      request(`${d.url}metrics`, (r) => {
        let body = '';
        r.setEncoding('utf8');
        r.on('data', (c: string) => (body += c));
        r.on('end', () => resolve({ type: String(r.headers['content-type']), body }));
      }).on('error', reject).end();
    });
    assert.equal(res.type, 'application/openmetrics-text; version=1.0.0; charset=utf-8');
    const samples = checkOpenMetrics(res.body);
    const published = samples.filter((s) => s.name === 'pushbench_live_published_messages');
    assert.deepEqual(published.map((s) => [s.labels.transport, s.value]), [['sse', 2], ['websocket', 1]], 'the newest sample per transport');
    const p99 = samples.find((s) => s.name === 'pushbench_live_latency_p99_seconds' && s.labels.transport === 'sse')!;
    assert.equal(p99.value, (2 + 2 / 10) / 1000);
    const rss = samples.find((s) => s.name === 'pushbench_live_process_rss_bytes' && s.labels.role === 'server' && s.labels.transport === 'sse')!;
    assert.equal(rss.value, 50 * 1048576);
  } finally {
    await d.close();
  }
});
