/**
 * The load generator's own efficiency: pushbench's short-polling client against autocannon, each in a process of
 * its own, against the same short-polling server with the same request head, polling back to back on the same
 * number of keep-alive connections. Figure of merit: requests per second per CPU second of the generator process.
 *
 * autocannon always adds `Connection: keep-alive` to its head, so pushbench's client sends the minimal profile's
 * head plus that same header here: both heads are byte-identical (`requestHeadBytes`).
 *
 * Run as a child (`node efficiency.js <pushbench|autocannon> <port> <connections> <durationS>`) it is one generator.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { adopt, describeExit, reap, spawnChild, type Child } from '../run/children.js';
import type { FromServer, ToServer } from '../run/ipc.js';
import { loadProfile, type HeaderProfile } from '../protocol/profiles.js';
import { Tally, requestHead as clientRequestHead, type ClientContext } from '../transports/client.js';
import { createPollingClient } from '../transports/polling/client.js';
import type { EfficiencyResults } from '../../results/types.js';

interface GeneratorReport {
  requests: number;
  cpuSeconds: number;
}

const HOST = '127.0.0.1';

/** The minimal profile's poll head plus the header autocannon cannot leave out. */
export function comparableProfile(): HeaderProfile {
  const p = loadProfile('minimal');
  return { ...p, requests: { ...p.requests, poll: [...p.requests.poll, ['Connection', 'keep-alive']] } };
}

/** The head both generators send: what pushbench's polling client writes with the comparable profile. */
export function requestHead(port: number): string {
  const ctx = { host: HOST, port, profile: comparableProfile() } as ClientContext;
  return clientRequestHead(ctx, 'poll', `${ctx.profile.paths.poll}?since=0`).text;
}

async function runPushbench(port: number, connections: number, durationS: number): Promise<GeneratorReport> {
  const tally = new Tally();
  const profile = comparableProfile();
  const clients = Array.from({ length: connections }, (_, index) =>
    createPollingClient(
      {
        host: HOST,
        port,
        profile,
        // Interval 0: ask again as soon as an answer arrives, as autocannon does.
        options: { intervalMs: 0, longPollTimeoutMs: 30_000, perMessageDeflate: false },
        tally,
        index,
        onSubscribed: () => {},
        onDone: () => {},
      },
      false,
    ),
  );
  const head = Buffer.byteLength(requestHead(port));
  const cpu0 = process.cpuUsage();
  for (const c of clients) c.start();
  await new Promise((r) => setTimeout(r, durationS * 1000));
  const cpu = process.cpuUsage(cpu0);
  for (const c of clients) c.close();
  // Every poll of this run has cursor 0 (nothing is published), so its modelled bytes are the head's, exactly.
  return { requests: Math.round(tally.model.c2s / head), cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

async function runAutocannon(port: number, connections: number, durationS: number): Promise<GeneratorReport> {
  const { default: autocannon } = await import('autocannon');
  const cpu0 = process.cpuUsage();
  const result = await autocannon({
    url: `http://${HOST}:${port}`,
    connections,
    duration: durationS,
    requests: [{ method: 'GET', path: '/poll?since=0' }],
  });
  const cpu = process.cpuUsage(cpu0);
  return { requests: result.requests.total, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

function generator(kind: 'pushbench' | 'autocannon', port: number, connections: number, durationS: number): Promise<GeneratorReport> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [kind, String(port), String(connections), String(durationS)], {
      execArgv: [],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    // Under the harness's care: Ctrl-C and every error path kill it like the run's own children.
    adopt(child);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, (durationS + 30) * 1000);
    timer.unref();
    child.once('message', (m) => resolve(m as GeneratorReport));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const tail = stderr.trim().split('\n').slice(-3).join(' | ');
      reject(new Error(`${describeExit(`${kind} load generator (efficiency)`, child.pid, code, signal)} without a report${tail ? `: ${tail}` : ''}`));
    });
  });
}

/** Measures both generators, one after the other, against one fresh short-polling server. */
export async function measureEfficiency(connections = 100, durationS = 5): Promise<EfficiencyResults> {
  const server: Child<ToServer, FromServer> = spawnChild('server-process', 'short-polling server (efficiency)');
  try {
    server.send({
      type: 'start',
      config: {
        transport: 'short-polling',
        host: HOST,
        port: 0,
        profile: 'minimal',
        payloadBytes: 21,
        options: { intervalMs: 0, longPollTimeoutMs: 30_000, perMessageDeflate: false },
        injectServerCostUs: 0,
        processes: 1,
      },
    });
    const { port } = await server.next<Extract<FromServer, { type: 'listening' }>>('listening', 15_000);
    const pb = await generator('pushbench', port, connections, durationS);
    const ac = await generator('autocannon', port, connections, durationS);
    const per = (g: GeneratorReport): number => (g.cpuSeconds > 0 ? Math.round(g.requests / g.cpuSeconds) : 0);
    const pushbench = { ...pb, cpuSeconds: round3(pb.cpuSeconds), requestsPerCpuS: per(pb) };
    const autocannon = { ...ac, cpuSeconds: round3(ac.cpuSeconds), requestsPerCpuS: per(ac) };
    return {
      connections,
      durationS,
      requestHeadBytes: Buffer.byteLength(requestHead(port)),
      pushbench,
      autocannon,
      ratio: autocannon.requestsPerCpuS > 0 ? round3(pushbench.requestsPerCpuS / autocannon.requestsPerCpuS) : 0,
    };
  } finally {
    server.process.kill('SIGKILL');
    await reap([server.process], 2000);
  }
}

const round3 = (n: number): number => Math.round(n * 1000) / 1000;

if (process.argv[1] === fileURLToPath(import.meta.url) && process.send) {
  const [kind, port, connections, durationS] = process.argv.slice(2);
  const run = kind === 'autocannon' ? runAutocannon : runPushbench;
  run(Number(port), Number(connections), Number(durationS)).then(
    (r) => process.send!(r, () => process.exit(0)),
    (e: Error) => {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    },
  );
}
