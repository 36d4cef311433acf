/**
 * Server memory per connection as every reader of results files defines it (the table, the report, `compare`):
 * connected minus idle resident memory per connection when it clears the noise floor, otherwise null. Schema 2 files
 * carry it already judged (harness/measure/memory.ts); schema 1 files had one reading of each state, so only the
 * fixed floor (1 MiB) applies to them, and a negative or smaller difference is null there too.
 */
import type { CompletedTransportRun } from './types.js';

const MIN_SIGNAL_BYTES = 1 << 20;

export function serverBytesPerConnection(run: CompletedTransportRun): number | null {
  const m = run.memory;
  if (!m || m.serverBytesPerConnection === null) return null;
  if (m.serverNoiseBytes === undefined && m.serverConnectedRssBytes - m.serverIdleRssBytes <= MIN_SIGNAL_BYTES) return null;
  return m.serverBytesPerConnection;
}

export function clientBytesPerConnection(run: CompletedTransportRun): number | null {
  const m = run.memory;
  if (!m || m.clientBytesPerConnection === null) return null;
  if (m.clientNoiseBytes === undefined && m.clientConnectedRssBytes - m.clientIdleRssBytes <= MIN_SIGNAL_BYTES) return null;
  return m.clientBytesPerConnection;
}
