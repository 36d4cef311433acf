/**
 * Hand-built results files for the compare tests: only the fields compare reads carry meaningful values.
 * Not a test file itself (no `.test.` in the name).
 */
import { SCHEMA_VERSION, type CompletedTransportRun, type ResultsFile, type TransportName, type TransportRun } from '../results/types.js';

/** Values that vary between fixture runs; everything else is fixed. */
export interface RunValues {
  latencyP50Ms?: number;
  latencyP99Ms?: number;
  messagesPerS?: number;
  cpuSecondsPerMessage?: number;
  rssBytes?: number;
  setupC2sBytes?: number;
  setupS2cBytes?: number;
  c2sOverheadBytes?: number;
  s2cOverheadBytes?: number;
  lost?: number;
  duplicated?: number;
  reordered?: number;
}

export const FIXTURE_CLIENTS = 10;

export function completedRun(transport: TransportName, repeat: number, v: RunValues = {}): CompletedTransportRun {
  const clients = FIXTURE_CLIENTS;
  return {
    transport,
    repeat,
    clients,
    rate: 1,
    payloadBytes: 21,
    durationS: 2,
    profile: 'minimal',
    transportOptions: { intervalMs: 1000, longPollTimeoutMs: 30000, perMessageDeflate: false },
    state: 'completed',
    published: 2,
    windowS: 2,
    connect: { connected: clients, durationMs: 5, errors: {} },
    messages: { expected: 20, delivered: 20 - (v.lost ?? 0), lost: v.lost ?? 0, duplicated: v.duplicated ?? 0, reordered: v.reordered ?? 0 },
    wire: {
      c2sBytes: 0,
      s2cBytes: 0,
      setup: { c2sBytes: v.setupC2sBytes ?? 1500, s2cBytes: v.setupS2cBytes ?? 1290 },
      payloadBytes: 420,
      perMessage: { c2sOverheadBytes: v.c2sOverheadBytes ?? 0, s2cOverheadBytes: v.s2cOverheadBytes ?? 2 },
      perConnection: { setupBytes: 279 },
      model: { c2sBytes: 0, s2cBytes: 0, setup: { c2sBytes: 1500, s2cBytes: 1290 } },
      matchesModel: true,
    },
    throughput: { messagesPerS: v.messagesPerS ?? 10, c2sBitsPerS: 0, s2cBitsPerS: 0 },
    latencyMs: { p50: v.latencyP50Ms ?? 1, p90: 1, p99: v.latencyP99Ms ?? 2, p999: 2, max: 2, mean: 1, count: 20, histogram: '' },
    server: {
      processes: 1,
      cpuSeconds: 0.01,
      maxRssBytes: v.rssBytes ?? 50_000_000,
      rssBytes: v.rssBytes ?? 50_000_000,
      eventLoopDelay: { p50Ms: 1, p99Ms: 1, maxMs: 1 },
      address: '127.0.0.1:1',
      cpuSecondsPerMessage: v.cpuSecondsPerMessage ?? 0.0001,
      connections: clients,
    },
    clientWorkers: {
      processes: 1,
      cpuSeconds: 0.01,
      maxRssBytes: 1,
      rssBytes: 1,
      eventLoopDelay: { p50Ms: 1, p99Ms: 1, maxMs: 1 },
      saturated: false,
      saturationReason: null,
    },
  };
}

export function resultsFile(runs: TransportRun[], scenario = 'fixture', startedAt = '2026-01-01T00:00:00.000Z'): ResultsFile {
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: 'pushbench',
    scenario,
    startedAt,
    finishedAt: startedAt,
    environment: {
      node: 'v20',
      os: 'linux',
      arch: 'x64',
      cpuModel: 'fixture',
      cpuCount: 2,
      totalMemoryBytes: 1,
      openFilesLimit: null,
      commit: null,
      pushbenchVersion: '0.1.0',
    },
    options: {
      scenario,
      transports: [...new Set(runs.map((r) => r.transport))],
      clients: FIXTURE_CLIENTS,
      rate: 1,
      payloadBytes: 21,
      durationS: 2,
      profile: 'minimal',
      intervalMs: 1000,
      longPollTimeoutMs: 30000,
      perMessageDeflate: false,
      connectRate: 0,
      host: '127.0.0.1',
      port: 0,
      workers: 0,
      drainTimeoutMs: 1000,
      outDir: 'results',
      jsonFile: null,
      repeat: Math.max(...runs.map((r) => r.repeat + 1)),
      injectServerCostUs: 0,
    },
    runs,
  };
}

/** One transport repeated with the given p50 latencies (one run per value), other values fixed. */
export function latencySeries(transport: TransportName, p50s: number[], extra: RunValues = {}): TransportRun[] {
  return p50s.map((p50, i) => completedRun(transport, i, { ...extra, latencyP50Ms: p50 }));
}
