/**
 * Server memory per connection as every reader of results files defines it (the table, the report, `compare`):
 * connected minus idle resident memory per connection when it clears the noise floor, otherwise null. Schema 2 files
 * carry it already judged (harness/measure/memory.ts: medians of several readings, a noise floor, null with the
 * reason). Schema 1 files had one reading of each state and no noise figure: a negative figure there is null too.
 */
import type { CompletedTransportRun } from './types.js';

export function serverBytesPerConnection(run: CompletedTransportRun): number | null {
  const m = run.memory;
  if (!m || m.serverBytesPerConnection === null) return null;
  return m.serverBytesPerConnection < 0 ? null : m.serverBytesPerConnection;
}

export function clientBytesPerConnection(run: CompletedTransportRun): number | null {
  const m = run.memory;
  if (!m || m.clientBytesPerConnection === null) return null;
  return m.clientBytesPerConnection < 0 ? null : m.clientBytesPerConnection;
}

/**
 * What the report charts and `compare` judge: the measured figure when the run measured memory (null within the
 * noise), otherwise resident memory at the end of the window per connected client, the process's baseline included.
 */
export function memoryPerConnection(run: CompletedTransportRun): number | null {
  if (run.memory) return serverBytesPerConnection(run);
  const connections = run.connect.connected;
  return connections > 0 ? run.server.rssBytes / connections : null;
}
