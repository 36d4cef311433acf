/**
 * The kaazing study as Markdown: websocket.org's 871-vs-2 table beside what pushbench measured, per header profile
 * and use case, then the corrections the measurements support, the latency claim, and the environment.
 *
 * A pure function of a kaazing results file (`KaazingResults`): no I/O, no harness runtime. Every figure printed is
 * read from the results (the article's own figures travel in them too, from scenarios/studies/kaazing.json).
 */
import type { CompletedTransportRun, Environment, TransportName, TransportRun } from '../results/types.js';

/** The study's file layout lives in results/kaazing.ts; re-exported for the renderer's callers. */
export type {
  ArticleFigures,
  ProfileHeads,
  FramingModel,
  TcpPerMessage,
  KaazingCase,
  RuledOut,
  LatencyMode,
  ExchangeTiming,
  KaazingLatency,
  KaazingResults,
} from '../results/kaazing.js';
import type { ArticleFigures, TcpPerMessage, KaazingCase, KaazingResults, RuledOut } from '../results/kaazing.js';

/** The divisor the article's "Mbps" used (2^20), against the SI 10^6. */
export const MEBI = 2 ** 20;

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
function num(n: number, digits = 1): string {
  if (!Number.isFinite(n)) return '–';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
/** Significant figures for small bit rates (0.0153) and plain decimals for large ones. */
function mbit(n: number): string {
  if (n === 0) return '0';
  if (n < 1) return n.toPrecision(3);
  return num(n, n < 100 ? 2 : 1);
}

/** The runs a case's figures come from: completed, first repeat. */
export const completed = (runs: TransportRun[]): CompletedTransportRun[] =>
  runs.filter((r): r is CompletedTransportRun => r.state === 'completed' && r.repeat === 0);

const overheadPerMessage = (r: CompletedTransportRun): number => r.wire.perMessage.c2sOverheadBytes + r.wire.perMessage.s2cOverheadBytes;

/** One transport's measured overhead in one use case (shared by the Markdown and the HTML study page). */
export interface Row {
  transport: TransportName;
  c2s: number;
  s2c: number;
  /** Overhead bits per second for this case's clients at the study's rate. */
  overheadBitsPerS: number;
  run: CompletedTransportRun;
  /** Not run in this case (ruled out by a capacity search): the use case whose measured run this row scales. */
  from?: string;
}

/** A case's rows: measured, or for an extrapolated case its source case's per-message overhead × its own clients. */
export function rowsFor(c: KaazingCase, all: KaazingCase[], rate: number): { rows: Row[]; source: KaazingCase } | null {
  const source = c.extrapolatedFrom ? all.find((x) => x.useCase === c.extrapolatedFrom!.useCase && x.profile === c.profile && !x.extrapolatedFrom) : c;
  if (!source) return null;
  const row = (run: CompletedTransportRun, from?: string): Row => {
    const c2s = run.wire.perMessage.c2sOverheadBytes;
    const s2c = run.wire.perMessage.s2cOverheadBytes;
    // The article's quantity: overhead per message x clients x messages per second per client. The per-message
    // overhead is measured (or, extrapolated, taken from the source case: it does not depend on client count); the
    // rate is the scenario's, because a short window's delivered-per-second is biased by its fence posts.
    const overheadBitsPerS = (c2s + s2c) * 8 * c.clients * rate;
    return { transport: run.transport, c2s, s2c, overheadBitsPerS, run, ...(from ? { from } : {}) };
  };
  // Transports a capacity search left out of a measured case (pollers, which lead the transport order): scaled
  // from the case they were measured in.
  const scaled: Row[] = [];
  for (const r of source === c ? (c.ruledOut ?? []) : []) {
    const from = r.from && all.find((x) => x.useCase === r.from!.useCase && x.profile === c.profile && !x.extrapolatedFrom);
    const run = from ? completed(from.runs).find((x) => x.transport === r.transport) : undefined;
    if (run) scaled.push(row(run, from!.useCase));
  }
  return { rows: [...scaled, ...completed(source.runs).map((run) => row(run))], source };
}

/** One line on a transport a capacity search left out of a case: what the search found, and where its row comes from. */
export function ruledOutNote(r: RuledOut, clients: number, rate: number): string {
  const k = r.capacity;
  const interval = r.transport === 'short-polling' ? `, a poll every ${int(k.intervalMs)} ms` : '';
  const failed = k.firstFailedClients !== null ? `; ${int(k.firstFailedClients)} failed: ${k.limitedBy}` : '';
  return (
    `${r.transport} not run at ${int(clients)} clients: \`pushbench capacity\` (${k.file}) sustained at most ${int(k.maxClients)} clients ` +
    `at ${k.rate} message/s (p99 within ${int(k.p99Ms)} ms, level over ${k.durationS} s, profile \`${k.profile}\`${interval})${failed}. ` +
    (r.from ? `Its row is use case ${r.from.useCase}'s measured overhead per message (${int(r.from.clients)} clients) x ${int(clients)} clients x ${rate} message/s.` : 'No case measured it, so it has no row.')
  );
}

function caseTable(c: KaazingCase, all: KaazingCase[], results: KaazingResults): string[] {
  const out: string[] = [];
  const art = results.article.useCases.find((u) => u.useCase === c.useCase);
  const got = rowsFor(c, all, results.rate);
  out.push(`#### Use case ${c.useCase}: ${int(c.clients)} clients, profile \`${c.profile}\``, '');
  if (c.extrapolatedFrom) {
    out.push(
      `**Extrapolated, not measured**: ${c.extrapolatedFrom.reason}. Bit rates below are use case ${c.extrapolatedFrom.useCase}'s measured ` +
        `overhead per message (${int(c.extrapolatedFrom.clients)} clients, ${c.extrapolatedFrom.resultsFile ?? 'no results file'}) x ${int(c.clients)} clients x ${results.rate} message/s.`,
      '',
    );
  } else if (c.resultsFile) {
    // The study's results file holds every run of the case; the run's own file is a by-product, not always kept.
    out.push(`Measured: the runs are in the study's results file (the run also wrote \`${c.resultsFile.split('/').pop()}\` beside it).`, '');
  }
  if (!got || got.rows.length === 0) {
    const errors = c.runs.filter((r) => r.state === 'errored').map((r) => `${r.transport}: ${r.state === 'errored' ? r.error : ''}`);
    out.push(`No completed run for this case${errors.length ? ` (${errors.join('; ')})` : ''}.`, '');
    return out;
  }
  const tcp = got.source.tcp;
  out.push(
    '| transport | c→s overhead B/msg | s→c overhead B/msg | overhead bit/s | Mbit/s (10^6) | "Mbps" as the article (2^20) | TCP segments/msg | of which ACK-only | TCP/IP header B/msg | delivered / expected |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  if (art) {
    out.push(
      `| *article: polling* | *${int(results.article.requestVisibleChars)}* | *${int(results.article.responseVisibleChars)}* | *${int(art.pollingBitsPerS)}* | ` +
        `*${mbit(art.pollingBitsPerS / 1e6)}* | *${num(art.pollingMbpsPrinted, 1)} (printed)* | – | – | – | – |`,
      `| *article: WebSocket* | *–* | *${int(results.article.websocketFrameBytes)}* | *${int(art.websocketBitsPerS)}* | ` +
        `*${mbit(art.websocketBitsPerS / 1e6)}* | *${art.websocketMbpsPrinted} (printed)* | – | – | – | – |`,
    );
  }
  for (const row of got.rows) {
    const t = tcp[row.transport];
    const m = row.run.messages;
    out.push(
      `| ${row.transport} | ${num(row.c2s)} | ${num(row.s2c)} | ${int(row.overheadBitsPerS)} | ${mbit(row.overheadBitsPerS / 1e6)} | ${mbit(row.overheadBitsPerS / MEBI)} | ` +
        `${t ? num(t.segmentsPerMessage, 2) : '–'} | ${t ? num(t.ackOnlySegmentsPerMessage, 2) : '–'} | ${t ? num(t.tcpIpHeaderBytesPerMessage) : '–'} | ` +
        `${c.extrapolatedFrom ? '(from ' + c.extrapolatedFrom.useCase + ')' : row.from ? `not run: capacity (from ${row.from})` : `${int(m.delivered)} / ${int(m.expected)}${row.run.steady?.state === 'overloaded' ? ' (overloaded)' : ''}`} |`,
    );
  }
  out.push('');
  const ws = got.rows.find((r) => r.transport === 'websocket');
  const ratios: string[] = [];
  if (ws && ws.c2s + ws.s2c > 0) {
    for (const row of got.rows) {
      if (row.transport === 'websocket') continue;
      ratios.push(`${row.transport} / websocket = **${num((row.c2s + row.s2c) / (ws.c2s + ws.s2c), 1)} : 1**`);
    }
    out.push(`Measured header overhead ratios (both directions per message): ${ratios.join('; ')}. The article claims ${results.article.claimedRatios.join(' or ')}.`, '');
  }
  const notes: string[] = [];
  if (!c.extrapolatedFrom) for (const r of c.ruledOut ?? []) notes.push(`- ${ruledOutNote(r, c.clients, results.rate)}`);
  for (const r of got.source.runs) {
    if (r.state === 'errored') {
      notes.push(`- ${r.transport} errored: ${r.error}`);
      continue;
    }
    if (r.clientWorkers.saturated) notes.push(`- ${r.transport}: the load generator was saturated (${r.clientWorkers.saturationReason ?? 'no reason recorded'}); its figures are less trustworthy.`);
    const errors = Object.entries(r.connect.errors);
    if (errors.length) notes.push(`- ${r.transport}: connection errors during the run: ${errors.map(([k, v]) => `${k} ${int(v)}`).join(', ')}.`);
    if (!r.wire.matchesModel) notes.push(`- ${r.transport}: bytes counted at the sockets differ from the framing model (see the results file).`);
    if (!c.extrapolatedFrom && r.steady?.state === 'overloaded') {
      notes.push(
        `- ${r.transport}: overloaded at ${int(c.clients)} clients (${r.steady.reason}): this machine did not keep up, so its latency is no capacity; ` +
          (r.transport === 'short-polling' || r.transport === 'long-polling'
            ? 'a poller that falls behind collects several messages per poll, so its bytes per message describe the overload, not the protocol.'
            : `a pushed message costs the same bytes however late it is, and ${int(r.messages.delivered)} of ${int(r.messages.expected)} arrived, so its bytes per message stand.`),
      );
    }
  }
  if (notes.length) out.push(c.extrapolatedFrom ? `Caveats of the measured case these figures come from:` : 'Caveats:', '', ...notes, '');
  return out;
}

function headsTable(results: KaazingResults): string[] {
  const out = [
    '| profile | request lines | request visible chars | request bytes on the wire | response lines | response visible chars | response bytes on the wire | visible total | wire total | `?since=N` adds | WebSocket upgrade request bytes |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const p of results.profiles) {
    out.push(
      `| \`${p.profile}\` | ${p.requestLines} | ${int(p.requestVisibleChars)} | ${int(p.requestWireBytes)} | ${p.responseLines} | ${int(p.responseVisibleChars)} | ${int(p.responseWireBytes)} | ` +
        `${int(p.requestVisibleChars + p.responseVisibleChars)} | ${int(p.requestWireBytes + p.responseWireBytes)} | ${p.sinceBytes} B (\`${p.sinceExample}\`) | ${int(p.websocketRequestWireBytes)} |`,
    );
  }
  return out;
}

/** How many of the article's printed rates the 2^20 divisor explains better than 10^6. */
export function closerToMebi(a: ArticleFigures): number {
  let n = 0;
  for (const u of a.useCases) {
    for (const [bits, printed] of [[u.pollingBitsPerS, u.pollingMbpsPrinted], [u.websocketBitsPerS, u.websocketMbpsPrinted]] as const) {
      if (Math.abs(bits / MEBI - printed) < Math.abs(bits / 1e6 - printed)) n++;
    }
  }
  return n;
}

/** Kernel TCP counters per transport, over every measured profile and use case. */
export function tcpByTransport(results: KaazingResults): Map<string, TcpPerMessage[]> {
  const byTransport = new Map<string, TcpPerMessage[]>();
  for (const c of results.cases) {
    for (const [transport, t] of Object.entries(c.tcp)) if (t) byTransport.set(transport, [...(byTransport.get(transport) ?? []), t]);
  }
  return byTransport;
}

function corrections(results: KaazingResults): string[] {
  const a = results.article;
  const f = results.framing;
  const out: string[] = ['## Where the article falls short, from measurement', ''];
  const k = results.profiles.find((p) => p.profile === 'kaazing-2009');
  if (k) {
    const crlf = k.requestWireBytes + k.responseWireBytes - (k.requestVisibleChars + k.responseVisibleChars);
    out.push(
      `1. **Visible characters are not bytes on the wire.** The article's heads are ${int(k.requestVisibleChars)} + ${int(k.responseVisibleChars)} = ` +
        `${int(k.requestVisibleChars + k.responseVisibleChars)} visible characters; every header line ends in CRLF and each head in an empty line, so on the wire ` +
        `they are ${int(k.requestWireBytes)} + ${int(k.responseWireBytes)} = **${int(k.requestWireBytes + k.responseWireBytes)} bytes** (+${crlf} B). ` +
        `A poll that names its cursor (\`${k.sinceExample}\`) adds ${k.sinceBytes} B more to every request after the first; the article's servlet path carried none.`,
    );
  }
  const uc = a.useCases[0];
  if (uc) {
    out.push(
      `2. **Its "Mbps" divides by 2^20.** ${int(uc.pollingBitsPerS)} bit/s is ${mbit(uc.pollingBitsPerS / 1e6)} Mbit/s (10^6) but ${mbit(uc.pollingBitsPerS / MEBI)} "Mbps" ` +
        `with 2^20; the article printed ${uc.pollingMbpsPrinted}. ` +
        `Of its ${a.useCases.length * 2} printed rates, ${closerToMebi(a)} are nearer bit/s / 2^20 than bit/s / 10^6. ` +
        a.useCases
          .filter((u) => u.websocketUnitPrinted !== 'Mbps')
          .map((u) => `Use case ${u.useCase}'s WebSocket figure ${u.websocketMbpsPrinted} is printed as "${u.websocketUnitPrinted}" in the copy: it is ${mbit(u.websocketBitsPerS / MEBI)} Mebibit/s, not Kbit/s.`)
          .join(' '),
    );
  }
  out.push(
    `3. **${int(a.pollOverheadBytes)} / ${a.websocketFrameBytes} = ${num(a.pollOverheadBytes / a.websocketFrameBytes, 1)}, not ${a.claimedRatios[0]}.** ` +
      'The measured ratios per profile and use case are in the tables above.',
    `4. **RFC 6455 overhead depends on direction, and is not hixie-76's.** For a ${f.payloadBytes}-byte message, a server-to-client frame header is ` +
      `${f.wsServerToClientHeaderBytes} B, a client-to-server frame ${f.wsClientToServerHeaderBytes} B (the 4-byte mask); the article's ${a.websocketFrameBytes} B was hixie-76's ` +
      `0x00 … 0xFF framing (${f.hixie76FrameOverheadBytes} B in both directions), which no browser speaks today.` +
      (f.measured
        ? ` Counted at a socket here: a ${f.measured.payloadBytes}-byte message took ${f.measured.c2sFrameBytes} B client to server ` +
          `(${f.measured.c2sFrameBytes - f.measured.payloadBytes} B overhead) and ${f.measured.s2cFrameBytes} B server to client (${f.measured.s2cFrameBytes - f.measured.payloadBytes} B).`
        : ''),
  );
  const poll = results.cases
    .filter((c) => !c.extrapolatedFrom)
    .flatMap((c) => completed(c.runs).filter((r) => r.transport === 'short-polling').map((r) => ({ c, r })));
  if (poll.length) {
    const lines = poll.map(({ c, r }) => `\`${c.profile}\` ${c.useCase}: ${num(r.wire.perMessage.c2sOverheadBytes)} B request side, ${num(r.wire.perMessage.s2cOverheadBytes)} B response side`);
    out.push(`5. **Request side and response side are not one number.** Measured short polling per delivered message: ${lines.join('; ')}. Requests carry the browser's identity and cookies; responses carry the server's.`);
  }
  const byTransport = tcpByTransport(results);
  if (byTransport.size) {
    const range = (xs: number[], d: number): string => {
      const lo = Math.min(...xs);
      const hi = Math.max(...xs);
      return lo === hi || num(lo, d) === num(hi, d) ? num(lo, d) : `${num(lo, d)}–${num(hi, d)}`;
    };
    out.push(
      `6. **TCP/IP is under every message too.** From the kernel's per-socket counters of the server's sockets (\`ss -tin\`, publishing window, sockets open at both ends of it; ` +
        `${f.tcpIpHeaderBytesPerSegment} B of IPv4 + TCP + timestamp option per segment on loopback), per delivered message, over every measured profile and use case:`,
      '',
      '   | transport | runs | TCP segments | of which ACK-only | TCP/IP header bytes |',
      '   |---|---:|---:|---:|---:|',
    );
    for (const [transport, ts] of byTransport) {
      out.push(
        `   | ${transport} | ${ts.length} | ${range(ts.map((t) => t.segmentsPerMessage), 2)} | ${range(ts.map((t) => t.ackOnlySegmentsPerMessage), 2)} | ${range(ts.map((t) => t.tcpIpHeaderBytesPerMessage), 1)} |`,
      );
    }
    const ws = byTransport.get('websocket');
    if (ws) {
      const bytes = Math.min(...ws.map((t) => t.tcpIpHeaderBytesPerMessage));
      out.push('', `   The ${f.wsServerToClientHeaderBytes}-byte WebSocket frame header rides on at least ${num(bytes, 0)} B of TCP/IP headers per message (its data segment and the ACK for it).`);
    }
  } else out.push('6. **TCP/IP is under every message too**, but this run recorded no kernel socket counters (see the environment).');
  out.push('');
  return out;
}

function latencySection(results: KaazingResults): string[] {
  const l = results.latency;
  const claim = results.article.latencyClaim;
  const out = [`## Latency: the ${claim.ratio} claim`, ''];
  out.push(`The claim: "${claim.quote}" — ${claim.pollingMs} ms vs ${claim.websocketMs} ms (${claim.ratio}) at ${claim.oneWayDelayMs} ms one-way delay.`, '');
  if (!l) {
    out.push('Not measured in this run.', '');
    return out;
  }
  out.push(
    `Measured through pushbench's user-space delay proxy (\`harness/net/delay-proxy.ts\`: ${l.oneWayDelayMs} ms one-way each direction, jitter ±${l.jitterMs} ms, ` +
      `the TCP handshake's round trip charged to new connections), ${l.clients} clients, ${l.rate} message/s, polling interval ${int(l.intervalMs)} ms. ` +
      'Latency is from publish to receipt.',
    '',
    '| mode | connection | TCP connections opened | p50 ms | p90 ms | p99 ms | max ms | samples | p50 / WebSocket p50 | claim |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---|',
  );
  const ws = l.modes.find((m) => m.transport === 'websocket' && m.latencyMs);
  for (const m of l.modes) {
    if (!m.latencyMs) {
      out.push(`| ${m.mode} | ${m.connection} | ${m.proxyConnections ?? '–'} | – | – | – | – | 0 | – | ${m.error ?? 'no samples'} |`);
      continue;
    }
    const ratio = ws?.latencyMs && ws.latencyMs.p50 > 0 ? `${num(m.latencyMs.p50 / ws.latencyMs.p50, 2)} : 1` : '–';
    const claimCell = m.transport === 'websocket' ? `${claim.websocketMs} ms` : m.connection === 'new connection per poll' ? `${claim.pollingMs} ms (${claim.ratio})` : '';
    out.push(
      `| ${m.mode} | ${m.connection} | ${m.proxyConnections === undefined ? '–' : int(m.proxyConnections)} | ${num(m.latencyMs.p50)} | ${num(m.latencyMs.p90)} | ${num(m.latencyMs.p99)} | ${num(m.latencyMs.max)} | ${int(m.latencyMs.count)} | ${ratio} | ${claimCell} |`,
    );
  }
  const ex = l.exchanges ?? [];
  if (ex.length) {
    const push = ex.find((x) => x.oneWayTrips === 1);
    out.push(
      '',
      `The claim's own comparison, one exchange at a time through the same proxy (${ex[0]!.count} samples each; the model is one-way trips × ${l.oneWayDelayMs} ms):`,
      '',
      '| exchange | connection | one-way trips | model ms | p50 ms | min ms | max ms | p50 / pushed frame p50 |',
      '|---|---|---:|---:|---:|---:|---:|---:|',
    );
    for (const x of ex) {
      const ratio = push && push.p50Ms > 0 ? `${num(x.p50Ms / push.p50Ms, 2)} : 1` : '–';
      out.push(`| ${x.exchange} | ${x.connection} | ${x.oneWayTrips} | ${int(x.oneWayTrips * l.oneWayDelayMs)} | ${num(x.p50Ms)} | ${num(x.minMs)} | ${num(x.maxMs)} | ${ratio} |`);
    }
    out.push(
      '',
      `Hickson's ${claim.pollingMs} ms counts the handshake's round trip and the message's packet (${num(claim.pollingMs / claim.oneWayDelayMs, 0)} one-way trips); a poll on a new connection also sends its request, so it needs ${ex.find((x) => x.oneWayTrips === 4) ? 4 : 'more'} one-way trips.`,
    );
  }
  out.push(
    '',
    'Publish to receipt, short polling waits for its next poll as well as for the network, so its latency is set by the polling interval, ' +
      'with or without a new connection per poll; the claim itself compares single exchanges, which the second table times.',
    '',
  );
  return out;
}

/** Renders the whole kaazing report. */
export function renderKaazingReport(results: KaazingResults): string {
  const e = results.environment;
  const out: string[] = [
    `# The ${results.article.pollOverheadBytes}-bytes-vs-${results.article.websocketFrameBytes} table, measured`,
    '',
    `Measured by \`${results.command}\` from ${results.startedAt} to ${results.finishedAt} on ${e.cpuModel} (${e.cpuCount} cores). ` +
      'Rendered by `pushbench docs` from the results file the marker above names; do not edit by hand: re-render it, or rerun the study.',
    '',
    `Source of the claim: ${results.article.source}. Every use case sends ${results.rate} message/s of ${results.payloadBytes} B per client, ` +
      `measured for ${results.durationS} s per transport; overhead is every byte on the wire except message bodies, counted at the server's sockets, in steady state.`,
    '',
    '## The heads, counted',
    '',
    'Poll request and response heads of each profile, counted with the framing models ({host} filled as 127.0.0.1:8080, Content-Length as the payload, a 29-character Date); the measured tables below count the real ones at the sockets.',
    '',
    ...headsTable(results),
    '',
    '## The table, side by side',
    '',
    'Article figures in *italics*. "overhead bit/s" is, as in the article, overhead per message x clients x messages per second per client, with the overhead per delivered message measured in steady state (extrapolated cases say so). ' +
      'Polls that come back empty and, for long polling, the request still waiting when publishing ends are bytes on the wire too, so they are in the per-message figures; the shorter the run, the more that last request weighs.',
    '',
  ];
  for (const p of results.profiles) {
    out.push(`### Profile \`${p.profile}\``, '', p.description, '');
    for (const c of results.cases.filter((x) => x.profile === p.profile)) out.push(...caseTable(c, results.cases, results));
  }
  out.push(...corrections(results), ...latencySection(results));
  out.push(
    '## Environment',
    '',
    `- Date: ${results.finishedAt}`,
    `- Node ${e.node} on ${e.os} ${e.arch}, ${e.cpuCount} × ${e.cpuModel}, ${num(e.totalMemoryBytes / 2 ** 30, 1)} GiB memory, open-files limit ${e.openFilesLimit ?? 'unknown'}`,
    `- pushbench ${e.pushbenchVersion}${e.commit ? ` at ${e.commit}${e.dirty ? ' with uncommitted changes' : ''}` : ''}`,
    `- Command: \`${results.command}\``,
    '- Loopback only: TCP over 127.0.0.1, no NIC, no real network delay except the proxy\'s.',
    '',
  );
  if (results.article.unitNote) out.push(`Note: ${results.article.unitNote}`, '');
  return out.join('\n');
}
