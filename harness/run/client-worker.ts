/**
 * Child process entry: a share of the simulated clients, in a process of its own so that the load generator never
 * shares an event loop with the server. Reports delivery, latency histogram, modelled bytes and its own cost.
 */
import { encodeHistogram } from '../../results/histogram.js';
import { startOrDie, type FromWorker, type ToWorker, type WorkerConfig } from './ipc.js';
import { connectBatch } from './plan.js';
import { CLIENT_LOOP_RESOLUTION_MS, ProcessMeter, settledRss } from '../measure/proc-stats.js';
import { loadProfile } from '../protocol/profiles.js';
import { Tally, type SimClient } from '../transports/client.js';
import { nowUs } from '../protocol/feed.js';
import { RSS_READINGS, median } from '../measure/memory.js';
import { clientFactory } from '../servers/kinds.js';
import { FaultWatch } from '../faults/watch.js';

const send = (msg: FromWorker): void => {
  process.send?.(msg);
};
const meter = new ProcessMeter(CLIENT_LOOP_RESOLUTION_MS);
const tally = new Tally();
const clients: SimClient[] = [];
let doneCount = 0;
let finishing = false;
let connectTimer: NodeJS.Timeout | null = null;
/** Fault runs only. */
let faultWatch: FaultWatch | null = null;
/** The last sequence number published, once the harness says it. */
let lastSeq = Infinity;

process.on('disconnect', () => process.exit(0));

/** Client i's source address and port: spread over the addresses by its index among all clients. */
function source(config: WorkerConfig, i: number): { localAddress?: string; localPort?: number } {
  const n = config.localAddresses.length;
  if (n === 0) return {};
  const g = (config.firstClient ?? 0) + i;
  const localAddress = config.localAddresses[g % n];
  return config.localPortBase ? { localAddress, localPort: config.localPortBase + Math.floor(g / n) } : { localAddress };
}

/** Several settled readings: one alone is within the noise of the next (harness/measure/memory.ts). */
function rssReadings(): number[] {
  return Array.from({ length: RSS_READINGS }, () => settledRss());
}

async function start(config: WorkerConfig): Promise<void> {
  const profile = loadProfile(config.profile);
  const factory = await clientFactory(config.server ?? 'embedded', config.transport);
  // Before any client exists: what this process costs with no connection, for memory per connection.
  const idleRssSamples = rssReadings();
  const idleRssBytes = median(idleRssSamples);
  const startedAt = Date.now();
  const onSubscribed = (): void => {
    tally.subscribed++;
    if (tally.subscribed === config.clients) {
      const connectMs = Date.now() - startedAt;
      const rssSamples = rssReadings();
      send({ type: 'subscribed', subscribed: tally.subscribed, connectMs, idleRssBytes, rssBytes: median(rssSamples), idleRssSamples, rssSamples });
    }
  };
  const onDone = (): void => {
    doneCount++;
    if (finishing && doneCount === clients.length) send({ type: 'done' });
  };
  const fault = config.fault;
  if (fault) faultWatch = new FaultWatch();
  // Client g is slow when the running count of the share crosses an integer at g: evenly spread over every worker.
  const slow = (i: number): boolean => {
    const g = (config.firstClient ?? 0) + i;
    return !!fault && Math.floor((g + 1) * fault.slowShare + 1e-9) > Math.floor(g * fault.slowShare + 1e-9);
  };
  for (let i = 0; i < config.clients; i++) {
    const watch = faultWatch ? { watch: faultWatch.client(slow(i)), slowReadBytesPerS: fault!.slowReadBytesPerS } : {};
    clients.push(
      factory({
        host: config.host,
        port: config.port,
        ...source(config, i),
        profile,
        options: config.options,
        tlsCa: config.tlsCa,
        headsAsReceived: config.server === 'external',
        tally,
        index: i,
        onSubscribed,
        onDone,
        ...watch,
      }),
    );
  }
  // Open connections at the asked rate, in 10 ms batches so timers stay cheap.
  const perTick = config.connectRate > 0 ? Math.max(1, Math.round(config.connectRate / 100)) : clients.length;
  let next = 0;
  const openSome = (): void => {
    // Paced: never more than maxConnecting opened and not yet subscribed (a retry is still not subscribed).
    const end = next + connectBatch({ opened: next, subscribed: tally.subscribed, total: clients.length, perTick, maxConnecting: config.maxConnecting });
    for (; next < end; next++) clients[next]!.start();
    connectTimer = next < clients.length ? setTimeout(openSome, config.connectRate > 0 ? (perTick / config.connectRate) * 1000 : 0) : null;
  };
  openSome();

  let lastReceived = 0;
  setInterval(() => {
    const h = tally.latency;
    send({
      type: 'progress',
      subscribed: tally.subscribed,
      received: tally.received,
      bytesReceived: tally.bytesReceived,
      cost: meter.sample(),
      latencyP50Us: tally.received > lastReceived ? h.getValueAtPercentile(50) : 0,
      latencyP99Us: tally.received > lastReceived ? h.getValueAtPercentile(99) : 0,
    });
    lastReceived = tally.received;
  }, 1000).unref();
}

process.on('message', (msg: ToWorker) => {
  switch (msg.type) {
    case 'start':
      startOrDie(start(msg.config), send);
      break;
    case 'window':
      // CPU counts from the first message on, as the server's does and the byte window does.
      setTimeout(() => meter.startWindow(), Math.max(0, (msg.startUs - nowUs()) / 1000));
      // Latency counts from the first published message: anything before is not part of the measurement.
      tally.latency.reset();
      tally.timeline.reset(msg.startUs, msg.bucketS);
      tally.latencyFromUs = msg.latencyFromUs;
      if (msg.finalSeq !== undefined) tally.wire.finalSeq = msg.finalSeq;
      faultWatch?.window(msg.startUs);
      break;
    case 'fault':
      faultWatch?.mark(msg.mark);
      break;
    case 'finish':
      finishing = true;
      lastSeq = msg.lastSeq;
      for (const c of clients) c.finish(msg.lastSeq);
      if (doneCount === clients.length) send({ type: 'done' });
      break;
    case 'stop':
      finishing = true;
      if (connectTimer) clearTimeout(connectTimer);
      for (const c of clients) c.stop();
      break;
    case 'report':
      if (Number.isFinite(lastSeq)) for (const c of clients) c.settle?.(lastSeq);
      send({
        type: 'report',
        cost: meter.sample(),
        nodeArgs: process.execArgv,
        tally: {
          subscribed: tally.subscribed,
          delivered: tally.delivered,
          duplicated: tally.duplicated,
          reordered: tally.reordered,
          received: tally.received,
          payloadBytes: tally.payloadBytes,
          model: tally.model,
          errors: tally.errors,
          histogram: encodeHistogram(tally.latency),
          timeline: tally.timeline.snapshot(),
          wire: tally.wire.snapshot(),
        },
        ...(faultWatch ? { fault: faultWatch.report() } : {}),
      });
      break;
    case 'close':
      if (connectTimer) clearTimeout(connectTimer);
      for (const c of clients) c.close();
      setTimeout(() => process.exit(0), 200).unref();
      break;
  }
});
