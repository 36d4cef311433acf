/** `pushbench floor`: the arithmetic on fixed inputs, the frame it writes, and one tiny real measurement. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { distHarnessDir } from '../harness/paths.js';
import { combineFloorPoints, floorCost, floorFrame, floorMaxConnections, floorRatio } from '../harness/measure/floor.js';
import { wsFrameHeaderBytes } from '../harness/protocol/framing.js';
import { formatFloorTable, floorReference } from '../reports/floor.js';
import type { FloorResults } from '../results/floor.js';
import type { CompletedTransportRun, ResultsFile } from '../results/types.js';
import { readFile } from '../results/read.js';

test('floorCost divides user and system CPU by messages and CPU by the wall time', () => {
  const c = floorCost({ userUs: 30_000, systemUs: 90_000, wallS: 2 }, 10_000);
  assert.equal(c.userUsPerMessage, 3);
  assert.equal(c.systemUsPerMessage, 9);
  assert.equal(c.cpuUsPerMessage, 12);
  assert.equal(c.cores, 0.06);
  assert.ok(Number.isNaN(floorCost({ userUs: 1, systemUs: 1, wallS: 1 }, 0).cpuUsPerMessage), 'no messages, no figure');
});

test('floorRatio: measured over floor, null when either is missing or not positive', () => {
  assert.equal(floorRatio(12.5, 10), 1.25);
  assert.equal(floorRatio(null, 11), null);
  assert.equal(floorRatio(12, 0), null);
  assert.equal(floorRatio(Number.NaN, 10), null);
});

test('the floor frame is an unmasked RFC 6455 text frame: 2 header bytes + payload', () => {
  const f = floorFrame(21);
  assert.equal(f.length, 21 + wsFrameHeaderBytes(21, false));
  assert.equal(f[0], 0x81, 'FIN + text opcode');
  assert.equal(f[1], 21, 'unmasked, 7-bit length');
  assert.throws(() => floorFrame(126), /at most 125/);
});

test('the largest count leaves the open-files reserve', () => {
  assert.equal(floorMaxConnections(20_000), 20_000 - 64);
});

test('the reference is the point with the most connections; the table has one row per point', () => {
  const side = { userUsPerMessage: 1, systemUsPerMessage: 2, cpuUsPerMessage: 3, cores: 0.5 };
  const results = {
    points: [
      { connections: 10_000, ticks: 1, messages: 10_000, sender: { ...side, cpuUsPerMessage: 9 }, receiver: side },
      { connections: 1_000, ticks: 1, messages: 1_000, sender: side, receiver: side },
    ],
  } as unknown as FloorResults;
  assert.deepEqual(floorReference(results), { senderUsPerMessage: 9, receiverUsPerMessage: 3, connections: 10_000 });
  assert.equal(formatFloorTable(results).split('\n').length, 4);
});

test('a point measured several times holds the median of each figure and every measurement', () => {
  const side = (cpu: number) => ({ userUsPerMessage: cpu / 4, systemUsPerMessage: (3 * cpu) / 4, cpuUsPerMessage: cpu, cores: cpu / 100 });
  const point = (s: number, r: number) => ({ connections: 10_000, ticks: 10, messages: 100_000, sender: side(s), receiver: side(r) });
  const one = point(12, 6);
  assert.equal(combineFloorPoints([one]), one, 'one measurement is the point as it is');
  const p = combineFloorPoints([point(12, 6), point(10, 8), point(14, 5)]);
  assert.equal(p.sender.cpuUsPerMessage, 12);
  assert.equal(p.receiver.cpuUsPerMessage, 6);
  assert.equal(p.receiver.userUsPerMessage, 1.5);
  assert.equal(p.repeats?.length, 3);
  assert.deepEqual(p.repeats?.map((r) => r.receiver.cpuUsPerMessage), [6, 8, 5], 'kept in the order taken');
  // An even count: the mean of the middle two.
  assert.equal(combineFloorPoints([point(10, 6), point(14, 8)]).sender.cpuUsPerMessage, 12);
  assert.throws(() => combineFloorPoints([]), /no floor measurement/);
  // The table says how many measurements each row is the median of, and their range.
  const table = formatFloorTable({ points: [p, point(20, 10)] } as unknown as FloorResults).split('\n');
  assert.match(table[0]!, /\| runs \| sender range µs \| receiver range µs \|$/);
  assert.match(table[2]!, /\| 3 \| 10\.00–14\.00 \| 5\.00–8\.00 \|$/);
  assert.match(table[3]!, /\| 1 \| - \| - \|$/);
});

test('pushbench floor measures every count and writes a floor results file', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pushbench-floor-'));
  const file = path.join(dir, 'floor.json');
  const r = spawnSync(process.execPath, [path.join(distHarnessDir, 'cli.js'), 'floor', '--counts', '20,50', '--duration', '2', '--rate', '2', '--json', file], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const results = JSON.parse(readFileSync(file, 'utf8')) as FloorResults;
  assert.equal(results.kind, 'floor');
  assert.equal(results.frameBytes, 23);
  assert.deepEqual(
    results.points.map((p) => [p.connections, p.ticks, p.messages]),
    [
      [20, 4, 80],
      [50, 4, 200],
    ],
  );
  for (const p of results.points) assert.ok(p.sender.cpuUsPerMessage > 0 && p.receiver.cpuUsPerMessage > 0);
});

test('pushbench floor --repeat measures every count that many times and keeps each measurement', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pushbench-floor-'));
  const file = path.join(dir, 'floor.json');
  const r = spawnSync(process.execPath, [path.join(distHarnessDir, 'cli.js'), 'floor', '--counts', '20,30', '--duration', '1', '--rate', '2', '--repeat', '2', '--json', file], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /round 2 of 2: 30 connections/);
  const results = readFile(file, ['floor']);
  assert.equal(results.repeat, 2);
  for (const p of results.points) {
    assert.equal(p.repeats?.length, 2);
    const rs = p.repeats!.map((x) => x.receiver.cpuUsPerMessage);
    assert.ok(Math.abs(p.receiver.cpuUsPerMessage - (rs[0]! + rs[1]!) / 2) < 1e-9, 'the median of two is their mean');
  }
  const bad = spawnSync(process.execPath, [path.join(distHarnessDir, 'cli.js'), 'floor', '--repeat', '0'], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr.trim(), /^pushbench: --repeat 0 is not a whole number from 1 to 50$/);
});

test('pushbench floor refuses a count above the largest it measures', () => {
  const r = spawnSync(process.execPath, [path.join(distHarnessDir, 'cli.js'), 'floor', '--counts', '99999999'], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(r.status, 2);
  assert.match(r.stderr.trim(), /^pushbench: --counts 99999999 is not a whole number from 1 to \d+$/);
});

test('applyFloor holds each side against the nearest per-process count; findFloor skips other CPUs', async () => {
  const { applyFloor, floorCandidates, nearestFloorPoint } = await import('../harness/measure/floor.js');
  // The file a run would take first: the head of the candidates.
  const findFloor = (...a: Parameters<typeof floorCandidates>) => floorCandidates(...a)[0] ?? null;
  const { writeFileSync } = await import('node:fs');
  const side = (us: number) => ({ userUsPerMessage: us / 2, systemUsPerMessage: us / 2, cpuUsPerMessage: us, cores: 0.1 });
  const floor = {
    tool: 'pushbench',
    kind: 'floor',
    schemaVersion: 1,
    startedAt: '2026-12-01T00:00:00.000Z',
    finishedAt: '2026-12-01T00:01:00.000Z',
    environment: { cpuModel: 'Test CPU', cpuCount: 2 },
    frameBytes: 23,
    rate: 1,
    durationS: 10,
    points: [
      { connections: 1000, ticks: 10, messages: 10_000, sender: side(20), receiver: side(8) },
      { connections: 10_000, ticks: 10, messages: 100_000, sender: side(10), receiver: side(6) },
    ],
  } as unknown as FloorResults;
  assert.equal(nearestFloorPoint(floor.points, 5000)!.connections, 10_000, '5,000 is nearer 10,000 than 1,000 on a log scale');
  assert.equal(nearestFloorPoint(floor.points, 2000)!.connections, 1000);
  const run = {
    state: 'completed',
    clients: 20_000,
    messages: { delivered: 200_000 },
    server: { processes: 2, cpuSecondsPerMessage: 12e-6 },
    clientWorkers: { processes: 20, cpuSeconds: 1.8 },
  };
  const results = { runs: [run, { state: 'errored' }] } as never;
  applyFloor(results, floor, 'floor.json');
  assert.deepEqual((run as { cpuFloor?: unknown }).cpuFloor, {
    file: 'floor.json',
    floorStartedAt: '2026-12-01T00:00:00.000Z',
    serverFloorUsPerMessage: 10,
    serverFloorConnections: 10_000,
    clientFloorUsPerMessage: 8,
    clientFloorConnections: 1000,
    serverFloorUserUs: 5,
    serverFloorSystemUs: 5,
    clientFloorUserUs: 4,
    clientFloorSystemUs: 4,
    serverRatio: 1.2,
    clientRatio: 1.125,
  });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pushbench-floor-find-'));
  writeFileSync(path.join(dir, 'floor-a.json'), JSON.stringify(floor));
  writeFileSync(path.join(dir, 'floor-b.json'), JSON.stringify({ ...floor, startedAt: '2026-12-02T00:00:00.000Z', environment: { cpuModel: 'Other CPU', cpuCount: 2 } }));
  writeFileSync(path.join(dir, 'floor-c.json'), '{ not json');
  const found = findFloor([dir, path.join(dir, 'missing')], { cpuModel: 'Test CPU', cpuCount: 2 });
  assert.equal(found?.file, path.join(dir, 'floor-a.json'), 'the newer file is from another CPU and is skipped');
  assert.equal(findFloor([dir], { cpuModel: 'Test CPU', cpuCount: 4 }), null);
  // A floor at the run's rate comes before a newer one at another rate; without one, the newest at any rate.
  writeFileSync(path.join(dir, 'floor-d.json'), JSON.stringify({ ...floor, startedAt: '2026-12-03T00:00:00.000Z', rate: 0.5 }));
  assert.equal(findFloor([dir], { cpuModel: 'Test CPU', cpuCount: 2 }, 1)?.file, path.join(dir, 'floor-a.json'));
  assert.equal(findFloor([dir], { cpuModel: 'Test CPU', cpuCount: 2 }, 0.5)?.file, path.join(dir, 'floor-d.json'));
  assert.equal(findFloor([dir], { cpuModel: 'Test CPU', cpuCount: 2 }, 2)?.file, path.join(dir, 'floor-d.json'));
  assert.equal(findFloor([dir], { cpuModel: 'Test CPU', cpuCount: 2 })?.file, path.join(dir, 'floor-d.json'));
});

test('a run is held against the first floor file that has a point for it: a newer file of one spread point does not serve a one-process run', async () => {
  const { floorForRun, floorReferenceFor } = await import('../harness/measure/floor.js');
  const { environment } = await import('../harness/measure/environment.js');
  const { writeFileSync } = await import('node:fs');
  const env = environment();
  const side = { userUsPerMessage: 1, systemUsPerMessage: 1, cpuUsPerMessage: 2, cores: 0.1 };
  const base = { tool: 'pushbench', kind: 'floor', schemaVersion: 1, finishedAt: '2026-12-02T00:01:00.000Z', environment: { ...env }, frameBytes: 23, durationS: 10 };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pushbench-floor-usable-'));
  writeFileSync(path.join(dir, 'floor-one.json'), JSON.stringify({ ...base, startedAt: '2026-12-01T00:00:00.000Z', rate: 1, points: [{ connections: 1000, ticks: 10, messages: 10_000, sender: side, receiver: side }] }));
  writeFileSync(path.join(dir, 'floor-spread.json'), JSON.stringify({ ...base, startedAt: '2026-12-02T00:00:00.000Z', rate: 0.5, points: [{ connections: 100_000, senders: 7, receivers: 10, ticks: 10, messages: 1_000_000, sender: side, receiver: side }] }));
  const shape = (serverProcesses: number, clientWorkers: number, clients: number) => (f: FloorResults) => floorReferenceFor(f, '', { clients, serverProcesses, clientWorkers }) !== null;
  const found = (rate: number, usable: (f: FloorResults) => boolean) => floorForRun([dir], dir, 10, [10], () => {}, rate, usable).then((f) => f && path.basename(f.file));
  assert.equal(await found(0.5, shape(1, 1, 10)), 'floor-one.json', 'the file at the run\'s rate has no one-process point');
  assert.equal(await found(0.5, shape(7, 10, 100_000)), 'floor-spread.json');
  assert.equal(await found(2, shape(7, 10, 100_000)), 'floor-spread.json', 'no file at 2/s: the newest that serves');
  assert.equal(await found(1, () => false), null, 'none serves a run too small to measure one for');
});

test('a count above one process\'s share is spread as a run of that many clients is planned, and summed over processes', async () => {
  const { floorSplit, floorShare, sumSideCosts } = await import('../harness/measure/floor.js');
  const limits = { openFiles: 20_000, ephemeralPorts: 28_232, cpus: 2, wholeLoopbackNet: true };
  assert.deepEqual(floorSplit(19_936, limits), { senders: 1, receivers: 1 });
  // 100,000 clients at 20,000 open files: 7 server processes (15,948 each with the cluster's skew allowance), 10 workers.
  assert.deepEqual(floorSplit(100_000, limits), { senders: 7, receivers: 10 });
  assert.deepEqual([0, 1, 2].map((i) => floorShare(10, 3, i)), [4, 3, 3]);
  assert.deepEqual(
    sumSideCosts([
      { userUs: 10, systemUs: 20, messages: 5, wallS: 2 },
      { userUs: 1, systemUs: 2, messages: 3, wallS: 3, receivedBytes: 46 },
    ]),
    { userUs: 11, systemUs: 22, messages: 8, wallS: 3, receivedBytes: 46 },
  );
});

test('a run of several processes is held against the floor point of its own split when the file has one', async () => {
  const { applyFloor, nearestFloorPoint } = await import('../harness/measure/floor.js');
  const side = (us: number) => ({ userUsPerMessage: us / 2, systemUsPerMessage: us / 2, cpuUsPerMessage: us, cores: 0.1 });
  const floor = {
    startedAt: '2026-12-01T00:00:00.000Z',
    environment: { cpuModel: 'Test CPU', cpuCount: 2 },
    points: [
      { connections: 19_936, ticks: 10, messages: 199_360, sender: side(12), receiver: side(6) },
      { connections: 100_000, senders: 7, receivers: 10, ticks: 10, messages: 1_000_000, sender: side(16), receiver: side(10) },
    ],
  } as unknown as FloorResults;
  assert.equal(nearestFloorPoint(floor.points, 90_000)!.connections, 19_936, 'a point spread over processes is no per-process point');
  const run = (serverProcesses: number, workers: number) => ({
    state: 'completed',
    clients: 100_000,
    messages: { delivered: 1_000_000 },
    server: { processes: serverProcesses, cpuSecondsPerMessage: 20e-6 },
    clientWorkers: { processes: workers, cpuSeconds: 12 },
  });
  const same = run(7, 10);
  const other = run(8, 10);
  applyFloor({ runs: [same, other] } as never, floor, 'floor.json');
  const f = (r: object) => (r as { cpuFloor: Record<string, unknown> }).cpuFloor;
  assert.equal(f(same).serverFloorUsPerMessage, 16);
  assert.equal(f(same).serverFloorProcesses, 7);
  assert.equal(f(same).clientFloorProcesses, 10);
  assert.equal(f(same).serverRatio, 1.25);
  assert.equal(f(same).clientRatio, 1.2);
  // Another split: each side against the one-process point, as before.
  assert.equal(f(other).serverFloorUsPerMessage, 12);
  assert.equal(f(other).serverFloorProcesses, undefined);
  assert.equal(formatFloorTable(floor).split('\n')[3]!.split(' | ')[1], '7 + 10');
  assert.equal(floorReference(floor)!.connections, 19_936, 'sizing reads the one-process point');
});

test('pushbench floor spreads sockets over several senders and receivers and counts every frame once', async () => {
  const { measureFloorPoint } = await import('../harness/measure/floor.js');
  const p = await measureFloorPoint({ counts: [], host: '127.0.0.1', payloadBytes: 21, rate: 2, durationS: 1 }, 31, { senders: 3, receivers: 2 });
  assert.deepEqual([p.connections, p.senders, p.receivers, p.ticks, p.messages], [31, 3, 2, 2, 62]);
  assert.ok(p.sender.cpuUsPerMessage > 0 && p.receiver.cpuUsPerMessage > 0);
});

test('the floor-ratios part: per transport and count, the median multiple of the floor over the runs, its range, and the targets', async () => {
  const { renderDocument } = await import('../reports/docs.js');
  const { packageRoot } = await import('../harness/paths.js');
  const quick = JSON.parse(readFileSync(`${packageRoot}/test/fixtures/results-quick-small.json`, 'utf8')) as ResultsFile;
  // Server 12 µs and clients 7 µs per message against a floor of 10 + 5: 1.2× and 1.4×; the other runs around them.
  const at = (transport: string, serverUs: number, clientUs: number): CompletedTransportRun => {
    const r = structuredClone(quick.runs.find((x) => x.transport === transport)!) as CompletedTransportRun;
    const delivered = 100_000;
    return {
      ...r,
      clients: 10_000,
      messages: { ...r.messages, delivered },
      server: { ...r.server, cpuSecondsPerMessage: serverUs / 1e6 },
      clientWorkers: { ...r.clientWorkers, cpuSeconds: (clientUs * delivered) / 1e6 },
      cpuFloor: {
        file: 'docs/results/floor.json', floorStartedAt: '2026-12-02T00:00:00.000Z',
        serverFloorUsPerMessage: 10, serverFloorConnections: 10_000, clientFloorUsPerMessage: 5, clientFloorConnections: 10_000,
        serverRatio: serverUs / 10, clientRatio: clientUs / 5,
      },
    };
  };
  // 100,000 clients held against a point spread over 7 + 10 processes; 60,000 against each side's nearest one-process point.
  const spread = { ...at('websocket', 11, 6), clients: 100_000 };
  spread.cpuFloor = { ...spread.cpuFloor!, serverFloorConnections: 100_000, clientFloorConnections: 100_000, serverFloorProcesses: 7, clientFloorProcesses: 10 };
  const nearest = { ...at('sse', 11, 6), clients: 60_000 };
  nearest.cpuFloor = { ...nearest.cpuFloor!, serverFloorConnections: 19_936, clientFloorConnections: 10_000 };
  const runs = [at('websocket', 12, 7), at('websocket', 10.5, 5.5), at('websocket', 13, 8), at('sse', 10.5, 5.5), spread, nearest];
  const source = 'docs/results/ratios.json';
  const inputs = new Map([[source, { kind: 'run' as const, source, results: { ...quick, runs } }]]);
  const doc = `<!-- pushbench:begin floor-ratios source=${source} serverMax=1.1 clientMax=1.2 -->\n<!-- pushbench:end -->\n`;
  const out = renderDocument(doc, 'docs/scale.md', inputs).text;
  assert.match(out, /held against the floor file it found \(`floor\.json`\)/);
  assert.match(out, /\| websocket \| 10,000 \| 3 \| 10,000 sockets, 1 \+ 1 \| 12\.00 \| 10\.00 \| 1\.20× \(\*\*above 1\.1×\*\*\) \| 1\.05–1\.30 \| 7\.00 \| 5\.00 \| 1\.40× \(\*\*above 1\.2×\*\*\) \| 1\.10–1\.60 \|/);
  assert.match(out, /\| sse \| 10,000 \| 1 \| 10,000 sockets, 1 \+ 1 \| 10\.50 \| 10\.00 \| 1\.05× \(within 1\.1×\) \| - \| 5\.50 \| 5\.00 \| 1\.10× \(within 1\.2×\) \| - \|/);
  assert.match(out, /\| websocket \| 100,000 \| 1 \| 100,000 sockets, 7 \+ 10 \| 11\.00 \|/);
  // Whether the runs fall on both sides of a target: the median's verdict is then within the noise.
  assert.match(out, /\| runs on both sides of the target \|$/m);
  assert.match(out, /\| websocket \| 10,000 \| 3 \| .* \| 1\.10–1\.60 \| server, clients \|$/m);
  assert.match(out, /\| sse \| 10,000 \| 1 \| .* \| one run \|$/m);
  assert.match(out, /\| sse \| 60,000 \| 1 \| 19,936 \/ 10,000 sockets, 1 \+ 1 \| 11\.00 \|/);
  assert.throws(() => renderDocument(doc.replace('serverMax=1.1', 'serverMax=near'), 'docs/scale.md', inputs), /serverMax=near is not a positive multiple of the floor/);
  const bare = new Map([[source, { kind: 'run' as const, source, results: { ...quick, runs: runs.map((r) => ({ ...r, cpuFloor: undefined })) } }]]);
  assert.throws(() => renderDocument(doc, 'docs/scale.md', bare), /no completed run in docs\/results\/ratios\.json holds a floor ratio/);
});

test('the floor-split part: user and system CPU per message of each side, medians over the runs, beside the floor point\'s', async () => {
  const { renderDocument } = await import('../reports/docs.js');
  const { packageRoot } = await import('../harness/paths.js');
  const quick = JSON.parse(readFileSync(`${packageRoot}/test/fixtures/results-quick-small.json`, 'utf8')) as ResultsFile;
  const delivered = 100_000;
  // Server user/system µs per message, clients user/system, against a floor of sender 1 + 10 and receiver 3 + 4.
  const at = (su: number, ss: number, cu: number, cs: number): CompletedTransportRun => {
    const r = structuredClone(quick.runs.find((x) => x.transport === 'websocket')!) as CompletedTransportRun;
    return {
      ...r,
      clients: 10_000,
      messages: { ...r.messages, delivered },
      server: { ...r.server, userSeconds: (su * delivered) / 1e6, systemSeconds: (ss * delivered) / 1e6 },
      clientWorkers: { ...r.clientWorkers, userSeconds: (cu * delivered) / 1e6, systemSeconds: (cs * delivered) / 1e6 },
      cpuFloor: {
        file: 'docs/results/floor.json', floorStartedAt: '2026-12-02T00:00:00.000Z',
        serverFloorUsPerMessage: 11, serverFloorConnections: 10_000, clientFloorUsPerMessage: 7, clientFloorConnections: 10_000,
        serverFloorUserUs: 1, serverFloorSystemUs: 10, clientFloorUserUs: 3, clientFloorSystemUs: 4,
        serverRatio: 1, clientRatio: 1,
      },
    };
  };
  const older = at(9, 9, 9, 9);
  delete older.clientWorkers.userSeconds;
  const runs = [at(1.5, 10, 5, 4), at(1, 11, 6, 4.5), at(2, 12, 4, 3.5), older];
  const source = 'docs/results/split.json';
  const inputs = new Map([[source, { kind: 'run' as const, source, results: { ...quick, runs } }]]);
  const doc = `<!-- pushbench:begin floor-split source=${source} -->\n<!-- pushbench:end -->\n`;
  const out = renderDocument(doc, 'docs/scale.md', inputs).text;
  assert.match(out, /held against in `floor\.json` \(its sender/);
  // The run without a split is left out: 3 runs, and its 9s appear nowhere.
  assert.match(out, /\| websocket \| 10,000 \| 3 \| server \| 1\.50 \| 1\.00 \| 11\.00 \| 10\.00 \|/);
  assert.match(out, /\| websocket \| 10,000 \| 3 \| clients \| 5\.00 \| 3\.00 \| 4\.00 \| 4\.00 \|/);
  const bare = new Map([[source, { kind: 'run' as const, source, results: { ...quick, runs: [older] } }]]);
  assert.throws(() => renderDocument(doc, 'docs/scale.md', bare), /records its user\/system split beside its floor's; measure them again/);
});
