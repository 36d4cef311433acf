/*
 * The live dashboard page's script (served as /live.js): reads LiveSample events from /events and updates the
 * numbers and rolling charts. Values are written with textContent only, so nothing in a sample becomes markup.
 */
import type { LiveSample } from '../../results/types.js';

interface ChartInstance {
  data: { datasets: Array<{ label: string; data: Array<{ x: number; y: number }>; [k: string]: unknown }> };
  update(mode?: string): void;
}
interface ChartGlobal {
  new (canvas: HTMLCanvasElement, config: unknown): ChartInstance;
  defaults: { color: string; borderColor: string };
}

/** Seconds of history the charts show. */
const WINDOW_S = 120;
const COLOURS: Record<string, string> = {
  'short-polling': '#E69F00', 'long-polling': '#56B4E9', sse: '#009E73', 'http-streaming': '#CC79A7', websocket: '#0072B2',
};
const EXTRA = ['#D55E00', '#999999', '#F0E442', '#7F3C8D', '#11A579', '#3969AC'];

const ChartCtor = (window as unknown as { Chart: ChartGlobal }).Chart;
const css = getComputedStyle(document.documentElement);
ChartCtor.defaults.color = css.getPropertyValue('--fg').trim();
ChartCtor.defaults.borderColor = css.getPropertyValue('--grid').trim();

function lineChart(id: string, yTitle: string): ChartInstance {
  return new ChartCtor(document.getElementById(id) as HTMLCanvasElement, {
    type: 'line',
    data: { datasets: [] },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false, parsing: false, normalized: true,
      elements: { point: { radius: 0 } },
      scales: { x: { type: 'linear', title: { display: true, text: 's since start' } }, y: { beginAtZero: true, title: { display: true, text: yTitle } } },
    },
  });
}

const charts = {
  messages: lineChart('chart-messages', 'messages/s'),
  bytes: lineChart('chart-bytes', 'bytes/s'),
  latency: lineChart('chart-latency', 'ms'),
  cpu: lineChart('chart-cpu', 'CPU %'),
};

function colourFor(key: string, index: number): string {
  return COLOURS[key] ?? EXTRA[index % EXTRA.length]!;
}

/** Appends a point to the named line (creating it) and drops points older than the window. */
function push(chart: ChartInstance, label: string, colourKey: string, x: number, y: number, dash?: number[]): void {
  let ds = chart.data.datasets.find((d) => d.label === label);
  if (!ds) {
    const colour = colourFor(colourKey, chart.data.datasets.length);
    ds = { label, data: [], borderColor: colour, backgroundColor: colour, borderDash: dash ?? [] };
    chart.data.datasets.push(ds);
  }
  ds.data.push({ x, y });
}

function trim(chart: ChartInstance, nowS: number): void {
  for (const ds of chart.data.datasets) {
    const first = ds.data.findIndex((p) => p.x >= nowS - WINDOW_S);
    if (first > 0) ds.data.splice(0, first);
    else if (first < 0) ds.data.length = 0;
  }
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return '–';
  if (Math.abs(n) >= 1000) return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return String(Number(n.toPrecision(3)));
}

function set(id: string, text: string): void {
  const el = document.getElementById(id);
  if (el) el.textContent = text;
}

let received = 0;
function show(sample: LiveSample, redraw: boolean): void {
  received++;
  const x = sample.tMs / 1000;
  set('v-transport', sample.transport);
  set('v-phase', sample.phase);
  set('v-connected', `${fmt(sample.connected)} / ${fmt(sample.clients)}`);
  set('v-published', fmt(sample.published));
  set('v-messages', fmt(sample.messagesPerS));
  set('v-bytes', fmt(sample.bytesPerS));
  set('v-p50', sample.latencyMs ? fmt(sample.latencyMs.p50) : '–');
  set('v-p99', sample.latencyMs ? fmt(sample.latencyMs.p99) : '–');
  set('status', `${received} sample${received === 1 ? '' : 's'}; last at ${fmt(x)} s: ${sample.transport}, ${sample.phase}`);
  push(charts.messages, sample.transport, sample.transport, x, sample.messagesPerS);
  push(charts.bytes, sample.transport, sample.transport, x, sample.bytesPerS);
  if (sample.latencyMs) {
    push(charts.latency, `${sample.transport} p50`, sample.transport, x, sample.latencyMs.p50);
    push(charts.latency, `${sample.transport} p99`, sample.transport, x, sample.latencyMs.p99, [6, 4]);
  }
  for (const p of sample.processes) push(charts.cpu, `${p.role} ${p.pid}`, `${p.role} ${p.pid}`, x, p.cpuPercent);

  const body = document.getElementById('processes');
  if (body) {
    const rows = sample.processes.map((p) => {
      const tr = document.createElement('tr');
      for (const text of [`${p.role} ${p.pid}`, fmt(p.cpuPercent), fmt(p.rssBytes / 1048576)]) {
        const td = document.createElement('td');
        td.textContent = text;
        tr.append(td);
      }
      return tr;
    });
    body.replaceChildren(...rows);
  }
  if (redraw) {
    for (const chart of Object.values(charts)) {
      trim(chart, x);
      chart.update('none');
    }
  }
}

// Samples that arrive together (the backlog a late joiner is sent) are drawn once, after the last of them.
let pending: LiveSample[] = [];
let scheduled = false;
const source = new EventSource('/events');
source.onmessage = (event: MessageEvent<string>) => {
  pending.push(JSON.parse(event.data) as LiveSample);
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => {
    const batch = pending;
    pending = [];
    scheduled = false;
    batch.forEach((s, i) => show(s, i === batch.length - 1));
  });
};
source.addEventListener('end', () => {
  source.close();
  set('status', `Run finished after ${received} samples.`);
});
source.onerror = () => {
  if (source.readyState === EventSource.CLOSED) set('status', 'Disconnected from the harness.');
};
