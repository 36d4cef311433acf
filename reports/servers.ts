/**
 * The server comparison (`npm run bench:servers`): pushbench's embedded servers, nginx with nchan and Socket.IO side by
 * side per transport and client count, as Markdown. A pure function of results files: every figure is read from them.
 */
import type { CompletedTransportRun, ResultsFile, ServerKind, TransportName, TransportRun } from '../results/types.js';
import { TRANSPORT_NAMES } from '../results/types.js';

const KIND_ORDER: ServerKind[] = ['embedded', 'nchan', 'socketio', 'external'];
const KIND_LABEL: Record<ServerKind, string> = { embedded: 'embedded (Node)', nchan: 'nginx + nchan', socketio: 'Socket.IO', external: 'external' };

const fmt = (n: number, digits = 1): string => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const int = (n: number): string => n.toLocaleString('en-US');

/** Which server a run drove: recorded per run, else in the options, else the embedded servers (older files). */
export function runKind(file: ResultsFile, run: TransportRun): ServerKind {
  return (run.state === 'completed' ? run.server.kind : undefined) ?? file.options.server ?? 'embedded';
}

function bytesNote(r: CompletedTransportRun): string {
  const model = r.wire.matchesModel ? '= model' : '**≠ model**';
  const ends = r.wire.clientsMatchServer === true ? ', both ends equal' : r.wire.clientsMatchServer === false ? ', **ends differ**' : '';
  return model + ends;
}

/**
 * Renders the comparison. For each client count a table of rows per transport and server; when a combination was
 * measured more than once, the latest file's run stands. Transports a server does not have are left out.
 */
export function renderServerComparison(files: readonly ResultsFile[]): string {
  const latest = new Map<string, { file: ResultsFile; run: TransportRun }>();
  const sorted = [...files].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  for (const file of sorted) {
    for (const run of file.runs) latest.set(`${run.clients}|${run.transport}|${runKind(file, run)}`, { file, run });
  }
  const counts = [...new Set([...latest.values()].map((v) => v.run.clients))].sort((a, b) => a - b);
  const out: string[] = ['# Servers compared: embedded, nginx + nchan, Socket.IO', ''];
  if (sorted.length === 0) return out.concat('No results files given.', '').join('\n');
  const env = sorted[sorted.length - 1]!.environment;
  out.push(
    `Rendered from ${sorted.length} results file(s) recorded from ${sorted[0]!.startedAt} to ${sorted[sorted.length - 1]!.finishedAt} ` +
      `on ${env.cpuModel} (${env.cpuCount} cores), Node ${env.node}, ${env.os}. ` +
      'Same clients, same feed (1 message/s unless the files say otherwise), same checks for every server; bytes per message ' +
      'are steady-state overhead beyond the payload, counted at the server\'s sockets for the embedded servers and at the ' +
      'clients\' for the others (`wire.measuredAt`). Server CPU and memory: every process of the server (nginx master and ' +
      'workers by PID).',
    '',
  );
  for (const clients of counts) {
    out.push(`## ${int(clients)} clients`, '');
    out.push('| transport | server | delivered / expected | c2s B/msg | s2c B/msg | setup B/conn | p50 ms | p99 ms | server CPU µs/msg | server RSS MB | bytes |');
    out.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|');
    for (const transport of TRANSPORT_NAMES as readonly TransportName[]) {
      for (const kind of KIND_ORDER) {
        const hit = latest.get(`${clients}|${transport}|${kind}`);
        if (!hit) continue;
        const r = hit.run;
        if (r.state !== 'completed') {
          out.push(`| ${transport} | ${KIND_LABEL[kind]} | error: ${r.error.replace(/\|/g, '\\|')} | | | | | | | | |`);
          continue;
        }
        out.push(
          `| ${transport} | ${KIND_LABEL[kind]} | ${int(r.messages.delivered)} / ${int(r.messages.expected)} | ${fmt(r.wire.perMessage.c2sOverheadBytes)} | ` +
            `${fmt(r.wire.perMessage.s2cOverheadBytes)} | ${int(Math.round(r.wire.perConnection.setupBytes))} | ${fmt(r.latencyMs.p50)} | ${fmt(r.latencyMs.p99)} | ` +
            `${fmt(r.server.cpuSecondsPerMessage * 1e6)} | ${fmt(r.server.maxRssBytes / 1e6)} | ${bytesNote(r)} |`,
        );
      }
    }
    out.push('');
  }
  out.push(
    'Dialects (what each server puts on the wire, and how a client resumes): `harness/servers/` and docs/contract.md. ' +
      'nchan answers one message per interval poll, so its short-polling clients ask again at once after a message; ' +
      'Socket.IO has no short polling, SSE or HTTP streaming.',
    '',
  );
  return out.join('\n');
}
