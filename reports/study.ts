/**
 * The kaazing study as a page: websocket.org's figure (overhead throughput of polling and WebSocket for use cases
 * A, B and C) redrawn from the article's own numbers beside the same figure measured per header profile, then the
 * heads, the ratios, the TCP/IP segments under every message and the latency claim.
 *
 * A pure function of a kaazing results file. The shaping (rows per case, extrapolation, TCP counters per
 * transport, which divisor the article used) is reports/kaazing.ts's, shared with the Markdown report.
 */
import type { ChartDataset, ChartSpec } from './charts.js';
import { transportColour } from './charts.js';
import { escapeHtml as h, formatNumber, slug } from './format.js';
import { closerToMebi, completed, MEBI, rowsFor, ruledOutNote, tcpByTransport, type KaazingCase, type KaazingResults, type Row } from './kaazing.js';
import { figureHtml, layout, section, tableHtml, type PageLink } from './pages.js';
import { articleOverhead, cells2026, PROTOCOL_ORDER, PROTOCOL_TITLES } from './kaazing-2026.js';
import { TRANSPORT_NAMES, type ResultsFile } from '../results/types.js';

const ARTICLE_POLL = '#E69F00';
const ARTICLE_WS = '#0072B2';

/** A ratio as the study prints it: one decimal (871 / 2 = 435.5). */
const ratio = (x: number): string => `${x.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} : 1`;

function base(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { animation: false, responsive: true, maintainAspectRatio: false, ...extra };
}
const axis = (text: string): Record<string, unknown> => ({ display: true, text });

/** Is a parsed JSON value a kaazing results file (what `pushbench kaazing --json` writes)? */
export function isKaazingResults(raw: unknown): raw is KaazingResults {
  const r = raw as Partial<KaazingResults> | null;
  // `kind: 'kaazing'`, or `study: 'kaazing'` in files of the first layout.
  const kaazing = r !== null && typeof r === 'object' && (r.kind === 'kaazing' || (r as { study?: unknown }).study === 'kaazing');
  return kaazing && r.tool === 'pushbench' && Array.isArray(r.cases) && Array.isArray(r.profiles) && typeof r.article === 'object';
}

/** How a use case is labelled on the figure's axis. */
function caseLabel(c: { useCase: string; clients: number }, extrapolated = false): string {
  // Short enough for a phone's axis: an extrapolated case drops the word clients to keep its mark.
  return extrapolated ? `${c.useCase}: ${formatNumber(c.clients)} (extrapolated)` : `${c.useCase}: ${formatNumber(c.clients)} clients`;
}

/** Measured rows of one case by transport, or an empty map when the case has nothing to show. */
function caseRows(c: KaazingCase, results: KaazingResults): Map<string, Row> {
  const got = rowsFor(c, results.cases, results.rate);
  return new Map((got?.rows ?? []).map((r) => [r.transport, r]));
}

/**
 * The article's figure as it printed it: polling and WebSocket overhead for A, B and C in its "Mbps" (bit/s ÷ 2^20),
 * with the same bit rates divided by 10^6 beside them: the correction.
 */
export function articleFigure(results: KaazingResults): ChartSpec {
  const a = results.article;
  const labels = a.useCases.map((u) => caseLabel(u));
  const datasets: ChartDataset[] = [
    { label: 'polling, as printed ("Mbps" = bit/s ÷ 2^20)', data: a.useCases.map((u) => u.pollingMbpsPrinted), backgroundColor: ARTICLE_POLL },
    { label: 'polling, bit/s ÷ 10^6', data: a.useCases.map((u) => u.pollingBitsPerS / 1e6), backgroundColor: 'transparent', borderColor: ARTICLE_POLL, borderWidth: 2 },
    { label: 'WebSocket, as printed', data: a.useCases.map((u) => u.websocketMbpsPrinted), backgroundColor: ARTICLE_WS },
    { label: 'WebSocket, bit/s ÷ 10^6', data: a.useCases.map((u) => u.websocketBitsPerS / 1e6), backgroundColor: 'transparent', borderColor: ARTICLE_WS, borderWidth: 2 },
  ];
  return {
    id: 'article-figure',
    title: 'The article’s figure, redrawn',
    caption:
      `Header overhead throughput the article computed (${a.pollOverheadBytes} B per poll, ${a.websocketFrameBytes} B per WebSocket frame, × clients × 1 message/s), ` +
      `in megabits per second, logarithmic axis. Filled bars are the figures as printed; outlined bars divide the same bit rates by 10^6. ` +
      `${closerToMebi(a)} of its ${a.useCases.length * 2} printed figures are nearer bit/s ÷ 2^20 than bit/s ÷ 10^6.`,
    config: {
      type: 'bar',
      data: { labels, datasets },
      options: base({ scales: { y: { type: 'logarithmic', title: axis('overhead Mbit/s') } } }),
    },
    table: {
      columns: ['use case', 'polling bit/s', 'polling printed', 'polling ÷ 10^6', 'WebSocket bit/s', 'WebSocket printed', 'WebSocket ÷ 10^6'],
      rows: a.useCases.map((u, i) => [
        labels[i]!,
        formatNumber(u.pollingBitsPerS),
        `${formatNumber(u.pollingMbpsPrinted)} Mbps`,
        formatNumber(u.pollingBitsPerS / 1e6),
        formatNumber(u.websocketBitsPerS),
        `${formatNumber(u.websocketMbpsPrinted)} ${u.websocketUnitPrinted}`,
        formatNumber(u.websocketBitsPerS / 1e6),
      ]),
    },
  };
}

/** Chart id of a profile's measured figure (also part of its CSV file's name). */
export function measuredId(profile: string): string {
  return `measured-${slug(profile)}`;
}

/** The same figure measured with one header profile: short polling and WebSocket, against the article's bit rates. */
export function measuredFigure(results: KaazingResults, profile: string): ChartSpec {
  const a = results.article;
  const cases = results.cases.filter((c) => c.profile === profile);
  const labels = cases.map((c) => caseLabel(c, c.extrapolatedFrom !== null));
  const rows = cases.map((c) => caseRows(c, results));
  const art = cases.map((c) => a.useCases.find((u) => u.useCase === c.useCase) ?? null);
  const measured = (t: string) => rows.map((m) => (m.has(t) ? m.get(t)!.overheadBitsPerS / 1e6 : null));
  const poll = measured('short-polling');
  const ws = measured('websocket');
  const artPoll = art.map((u) => (u ? u.pollingBitsPerS / 1e6 : null));
  const artWs = art.map((u) => (u ? u.websocketBitsPerS / 1e6 : null));
  const extrapolated = cases.filter((c) => c.extrapolatedFrom).map((c) => c.useCase);
  const scaledPoll = cases.filter((_, i) => rows[i]!.get('short-polling')?.from).map((c) => c.useCase);
  return {
    // The id names a CSV file: a profile name from the file must not reach the path as it is.
    id: measuredId(profile),
    title: `Measured with profile ${profile}`,
    caption:
      `Header and framing overhead throughput, both directions, in megabits per second (bit/s ÷ 10^6), logarithmic axis: measured bytes per delivered ` +
      `message × clients × ${formatNumber(results.rate)} message/s, short polling and WebSocket, beside the article’s bit rates (outlined) for the same use case.` +
      (extrapolated.length ? ` Use case${extrapolated.length > 1 ? 's' : ''} ${extrapolated.join(', ')} not measured: scaled from a measured case’s bytes per message.` : '') +
      (scaledPoll.length ? ` Short polling not run in use case${scaledPoll.length > 1 ? 's' : ''} ${scaledPoll.join(', ')}: a capacity search found this machine cannot sustain that many pollers; scaled from a measured case’s bytes per message.` : ''),
    config: {
      type: 'bar',
      data: {
        labels,
        datasets: [
          { label: 'short polling, measured', data: poll, backgroundColor: transportColour('short-polling') },
          { label: 'polling, article', data: artPoll, backgroundColor: 'transparent', borderColor: ARTICLE_POLL, borderWidth: 2 },
          { label: 'WebSocket, measured', data: ws, backgroundColor: transportColour('websocket') },
          { label: 'WebSocket, article', data: artWs, backgroundColor: 'transparent', borderColor: ARTICLE_WS, borderWidth: 2 },
        ],
      },
      options: base({ scales: { y: { type: 'logarithmic', title: axis('overhead Mbit/s') } } }),
    },
    table: {
      columns: ['use case', 'short polling Mbit/s', 'article polling Mbit/s', 'WebSocket Mbit/s', 'article WebSocket Mbit/s', 'short polling "Mbps" (÷ 2^20)'],
      rows: cases.map((_, i) => [
        labels[i]!,
        formatNumber(poll[i]),
        formatNumber(artPoll[i]),
        formatNumber(ws[i]),
        formatNumber(artWs[i]),
        formatNumber(poll[i] === null ? null : (poll[i]! * 1e6) / MEBI),
      ]),
    },
  };
}

/** Bytes of one poll exchange per profile: visible characters against bytes on the wire. */
export function headsFigure(results: KaazingResults): ChartSpec {
  const ps = results.profiles;
  return {
    id: 'heads',
    title: 'The heads, counted',
    caption:
      'Bytes of one poll exchange per header profile: the request head and the response head, as visible characters (what the article counted) and as ' +
      'bytes on the wire (CRLF line ends and the empty line included), counted with the framing models. The last columns are what ?since=N adds to a poll and the WebSocket upgrade request.',
    config: {
      type: 'bar',
      data: {
        labels: ps.map((p) => p.profile),
        datasets: [
          { label: 'request, wire B', data: ps.map((p) => p.requestWireBytes), backgroundColor: '#0072B2', stack: 'wire' },
          { label: 'response, wire B', data: ps.map((p) => p.responseWireBytes), backgroundColor: '#56B4E9', stack: 'wire' },
          { label: 'request, visible chars', data: ps.map((p) => p.requestVisibleChars), backgroundColor: '#D55E00', stack: 'visible' },
          { label: 'response, visible chars', data: ps.map((p) => p.responseVisibleChars), backgroundColor: '#E69F00', stack: 'visible' },
        ],
      },
      options: base({ indexAxis: 'y', scales: { x: { stacked: true, beginAtZero: true, title: axis('bytes per poll exchange') }, y: { stacked: true } } }),
    },
    table: {
      columns: ['profile', 'request lines', 'request visible', 'request wire B', 'response lines', 'response visible', 'response wire B', 'visible total', 'wire total', '?since=N adds B', 'upgrade request B'],
      rows: ps.map((p) => [
        p.profile,
        String(p.requestLines),
        formatNumber(p.requestVisibleChars),
        formatNumber(p.requestWireBytes),
        String(p.responseLines),
        formatNumber(p.responseVisibleChars),
        formatNumber(p.responseWireBytes),
        formatNumber(p.requestVisibleChars + p.responseVisibleChars),
        formatNumber(p.requestWireBytes + p.responseWireBytes),
        `${p.sinceBytes} (${p.sinceExample})`,
        formatNumber(p.websocketRequestWireBytes),
      ]),
    },
  };
}

/** Header overhead of every transport over WebSocket's, per measured profile and use case. */
export function ratioFigure(results: KaazingResults): ChartSpec {
  const measured = results.cases.filter((c) => !c.extrapolatedFrom);
  const transports = [...new Set(measured.flatMap((c) => completed(c.runs).map((r) => r.transport)))].filter((t) => t !== 'websocket');
  const labels = measured.map((c) => `${c.profile} ${c.useCase}`);
  const ratios = measured.map((c) => {
    const rows = caseRows(c, results);
    const ws = rows.get('websocket');
    const wsBytes = ws ? ws.c2s + ws.s2c : 0;
    return transports.map((t) => {
      const r = rows.get(t);
      return r && wsBytes > 0 ? (r.c2s + r.s2c) / wsBytes : null;
    });
  });
  const a = results.article;
  return {
    id: 'ratios',
    title: 'Overhead against WebSocket',
    caption:
      `Header and framing bytes per delivered message of each transport divided by WebSocket’s (both directions), per measured profile and use case, logarithmic axis. ` +
      `The article computed ${a.pollOverheadBytes} / ${a.websocketFrameBytes} = ${ratio(a.pollOverheadBytes / a.websocketFrameBytes)} and claimed ${a.claimedRatios.join(' or ')}.`,
    config: {
      type: 'bar',
      data: {
        labels,
        datasets: [
          ...transports.map((t, i) => ({ label: `${t} / websocket`, data: ratios.map((r) => r[i] ?? null), backgroundColor: transportColour(t) })),
          { label: `article ${a.pollOverheadBytes} / ${a.websocketFrameBytes}`, data: labels.map(() => a.pollOverheadBytes / a.websocketFrameBytes), backgroundColor: 'transparent', borderColor: ARTICLE_POLL, borderWidth: 2 },
        ],
      },
      options: base({ scales: { y: { type: 'logarithmic', title: axis('overhead ÷ WebSocket overhead') } } }),
    },
    table: {
      columns: ['profile and use case', ...transports.map((t) => `${t} : websocket`)],
      rows: labels.map((l, i) => [l, ...ratios[i]!.map((x) => (x === null ? '–' : ratio(x)))]),
    },
  };
}

/** TCP segments and TCP/IP header bytes under every delivered message, from the kernel's counters. */
export function tcpFigure(results: KaazingResults): ChartSpec | null {
  const by = tcpByTransport(results);
  if (by.size === 0) return null;
  const transports = [...by.keys()];
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const range = (xs: number[]) => {
    const lo = Math.min(...xs);
    const hi = Math.max(...xs);
    return formatNumber(lo) === formatNumber(hi) ? formatNumber(lo) : `${formatNumber(lo)}–${formatNumber(hi)}`;
  };
  return {
    id: 'tcp',
    title: 'TCP/IP under every message',
    caption:
      `TCP segments per delivered message (data-carrying and ACK-only) from the kernel’s per-socket counters of the server’s sockets (ss -tin) over the publishing window, ` +
      `mean over every measured profile and use case; the table gives the range and the TCP/IP header bytes (${results.framing.tcpIpHeaderBytesPerSegment} B per segment on loopback).`,
    config: {
      type: 'bar',
      data: {
        labels: transports,
        datasets: [
          { label: 'segments carrying data', data: transports.map((t) => mean(by.get(t)!.map((x) => x.segmentsPerMessage - x.ackOnlySegmentsPerMessage))), backgroundColor: '#0072B2', stack: 's' },
          { label: 'ACK-only segments', data: transports.map((t) => mean(by.get(t)!.map((x) => x.ackOnlySegmentsPerMessage))), backgroundColor: '#999999', stack: 's' },
        ],
      },
      options: base({ indexAxis: 'y', scales: { x: { stacked: true, beginAtZero: true, title: axis('TCP segments per message') }, y: { stacked: true } } }),
    },
    table: {
      columns: ['transport', 'runs', 'segments/message', 'ACK-only/message', 'TCP/IP header B/message'],
      rows: transports.map((t) => {
        const ts = by.get(t)!;
        return [t, String(ts.length), range(ts.map((x) => x.segmentsPerMessage)), range(ts.map((x) => x.ackOnlySegmentsPerMessage)), range(ts.map((x) => x.tcpIpHeaderBytesPerMessage))];
      }),
    },
  };
}

/** Latency from publish to receipt through the delay proxy, per mode. */
export function latencyModesFigure(results: KaazingResults): ChartSpec | null {
  const l = results.latency;
  if (!l || l.modes.length === 0) return null;
  const labels = l.modes.map((m) => `${m.mode} (${m.connection})`);
  const pick = (k: 'p50' | 'p90' | 'p99') => l.modes.map((m) => m.latencyMs?.[k] ?? null);
  const claim = results.article.latencyClaim;
  const ws = l.modes.find((m) => m.transport === 'websocket' && m.latencyMs);
  return {
    id: 'latency-modes',
    title: 'Latency through a delayed network',
    caption:
      `Milliseconds from publish to receipt through the delay proxy (${formatNumber(l.oneWayDelayMs)} ms one way each direction, jitter ±${formatNumber(l.jitterMs)} ms), ` +
      `${formatNumber(l.clients)} clients, ${formatNumber(l.rate)} message/s, polling every ${formatNumber(l.intervalMs)} ms; logarithmic axis. ` +
      `The article claims ${claim.pollingMs} ms for polling against ${claim.websocketMs} ms for WebSocket (${claim.ratio}).`,
    config: {
      type: 'bar',
      data: {
        labels,
        datasets: [
          { label: 'p50 ms', data: pick('p50'), backgroundColor: '#56B4E9' },
          { label: 'p90 ms', data: pick('p90'), backgroundColor: '#0072B2' },
          { label: 'p99 ms', data: pick('p99'), backgroundColor: '#D55E00' },
        ],
      },
      options: base({ scales: { y: { type: 'logarithmic', title: axis('latency (ms)') } } }),
    },
    table: {
      columns: ['mode', 'TCP connections', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'samples', 'p50 ÷ WebSocket p50'],
      rows: l.modes.map((m, i) => [
        labels[i]!,
        formatNumber(m.proxyConnections),
        formatNumber(m.latencyMs?.p50),
        formatNumber(m.latencyMs?.p90),
        formatNumber(m.latencyMs?.p99),
        formatNumber(m.latencyMs?.max),
        m.latencyMs ? formatNumber(m.latencyMs.count) : (m.error ?? 'no samples'),
        m.latencyMs && ws?.latencyMs && ws.latencyMs.p50 > 0 ? `${formatNumber(m.latencyMs.p50 / ws.latencyMs.p50)} : 1` : '–',
      ]),
    },
  };
}

/** One exchange at a time: measured p50 against one-way trips × the delay. */
export function exchangesFigure(results: KaazingResults): ChartSpec | null {
  const l = results.latency;
  const ex = l?.exchanges ?? [];
  if (!l || ex.length === 0) return null;
  const labels = ex.map((x) => `${x.exchange} (${x.oneWayTrips} trip${x.oneWayTrips === 1 ? '' : 's'})`);
  return {
    id: 'exchanges',
    title: 'One-way trips per message',
    caption:
      `Milliseconds one exchange takes through the delay proxy (median of ${formatNumber(ex[0]!.count)} samples, bars) against the model, one-way trips × ${formatNumber(l.oneWayDelayMs)} ms (outlined): ` +
      'a pushed frame needs one trip, a poll on a kept-alive connection two, a poll on a new connection four (the TCP handshake first).',
    config: {
      type: 'bar',
      data: {
        labels,
        datasets: [
          { label: 'measured p50 ms', data: ex.map((x) => x.p50Ms), backgroundColor: '#0072B2' },
          { label: 'model ms', data: ex.map((x) => x.oneWayTrips * l.oneWayDelayMs), backgroundColor: 'transparent', borderColor: '#D55E00', borderWidth: 2 },
        ],
      },
      options: base({ scales: { y: { beginAtZero: true, title: axis('milliseconds') } } }),
    },
    table: {
      columns: ['exchange', 'connection', 'one-way trips', 'model ms', 'p50 ms', 'min ms', 'max ms'],
      rows: ex.map((x, i) => [labels[i]!, x.connection, String(x.oneWayTrips), formatNumber(x.oneWayTrips * l.oneWayDelayMs), formatNumber(x.p50Ms), formatNumber(x.minMs), formatNumber(x.maxMs)]),
    },
  };
}

/** Every chart of the study page, in page order. */
/**
 * The 2026 figure: the article's overhead per message beside what Chromium's heads cost today in clear HTTP/1.1,
 * over TLS and over HTTP/2 (`pushbench modern`'s files), per transport; null without such files.
 */
export function figure2026(results: KaazingResults, modern: ResultsFile[]): ChartSpec | null {
  const cells = cells2026(modern);
  if (cells.size === 0) return null;
  const a = results.article;
  const transports = TRANSPORT_NAMES.filter((t) => cells.has(t));
  const protocols = PROTOCOL_ORDER.filter((p) => [...cells.values()].some((m) => m.has(p)));
  const shades = ['#999999', '#56B4E9', '#009E73', '#CC79A7'];
  const value = (t: (typeof transports)[number], p: string): number | null => cells.get(t)!.get(p)?.bytes ?? null;
  return {
    id: 'y2026',
    title: 'Overhead per message, 2010 and 2026',
    caption:
      `Header and framing bytes per delivered message, both directions, at the TCP socket (over TLS the ciphertext), logarithmic axis: the article's ${a.pollOverheadBytes} B poll and ${a.websocketFrameBytes} B frame ` +
      `beside Chromium's heads measured by pushbench modern over ${protocols.map((p) => PROTOCOL_TITLES[p] ?? p).join(', ')}.`,
    config: {
      type: 'bar',
      data: {
        labels: [...transports],
        datasets: [
          { label: '2010 article', data: transports.map((t) => articleOverhead(a, t)), backgroundColor: ARTICLE_POLL },
          ...protocols.map((p, i) => ({ label: PROTOCOL_TITLES[p] ?? p, data: transports.map((t) => value(t, p)), backgroundColor: shades[i % shades.length] })),
        ],
      },
      options: base({ scales: { y: { type: 'logarithmic', title: axis('bytes per message') } } }),
    },
    table: {
      columns: ['transport', '2010 article', ...protocols.map((p) => PROTOCOL_TITLES[p] ?? p)],
      rows: transports.map((t) => {
        const art = articleOverhead(a, t);
        return [t, art === null ? '–' : formatNumber(art), ...protocols.map((p) => {
          const v = value(t, p);
          return v === null ? '–' : formatNumber(v);
        })];
      }),
    },
  };
}

export function studyCharts(results: KaazingResults, modern: ResultsFile[] = []): ChartSpec[] {
  const optional = [tcpFigure(results), latencyModesFigure(results), exchangesFigure(results), figure2026(results, modern)].filter((c): c is ChartSpec => c !== null);
  return [articleFigure(results), ...results.profiles.map((p) => measuredFigure(results, p.profile)), headsFigure(results), ratioFigure(results), ...optional];
}

/** Sentences from the data: what the article computed, what was measured instead. */
function findings(results: KaazingResults): string {
  const a = results.article;
  const out: string[] = [];
  const k = results.profiles.find((p) => p.profile === 'kaazing-2009') ?? results.profiles[0];
  if (k) {
    out.push(
      `The article’s poll exchange is ${formatNumber(k.requestVisibleChars + k.responseVisibleChars)} visible characters with profile ${k.profile}; ` +
        `on the wire it is ${formatNumber(k.requestWireBytes + k.responseWireBytes)} bytes, because every header line ends in CRLF.`,
    );
  }
  const uc = a.useCases[0];
  if (uc) {
    out.push(
      `Its “Mbps” divides by 2^20: ${formatNumber(uc.pollingBitsPerS)} bit/s is ${formatNumber(uc.pollingBitsPerS / 1e6)} Mbit/s but was printed ${formatNumber(uc.pollingMbpsPrinted)}; ` +
        `${closerToMebi(a)} of its ${a.useCases.length * 2} printed rates fit 2^20 better than 10^6.`,
    );
  }
  out.push(`${a.pollOverheadBytes} / ${a.websocketFrameBytes} is ${ratio(a.pollOverheadBytes / a.websocketFrameBytes)}, not ${a.claimedRatios.join(' or ')}.`);
  const f = results.framing;
  out.push(
    `An RFC 6455 frame of a ${f.payloadBytes}-byte message costs ${f.wsServerToClientHeaderBytes} B server to client and ${f.wsClientToServerHeaderBytes} B client to server; the article’s ${a.websocketFrameBytes} B was hixie-76 framing.`,
  );
  for (const c of results.cases.filter((x) => !x.extrapolatedFrom)) {
    const rows = caseRows(c, results);
    const poll = rows.get('short-polling');
    const ws = rows.get('websocket');
    if (poll && ws && !poll.from && ws.c2s + ws.s2c > 0) {
      out.push(
        `Measured with profile ${c.profile}, use case ${c.useCase}: short polling ${formatNumber(poll.c2s + poll.s2c)} B per message, WebSocket ${formatNumber(ws.c2s + ws.s2c)} B, ` +
          `${ratio((poll.c2s + poll.s2c) / (ws.c2s + ws.s2c))}.`,
      );
    }
  }
  return `<ul class="findings">${out.map((s) => `<li>${h(s)}</li>`).join('\n')}</ul>`;
}

/** Caveats of the measured runs: saturated generator, connection errors, errored transports, model mismatches. */
function caveats(results: KaazingResults): string {
  const notes: string[] = [];
  for (const c of results.cases.filter((x) => !x.extrapolatedFrom)) {
    for (const r of c.runs) {
      const where = `${c.profile} ${c.useCase}, ${r.transport}`;
      if (r.state === 'errored') {
        notes.push(`${where} errored: ${r.error}`);
        continue;
      }
      if (r.clientWorkers.saturated) notes.push(`${where}: the load generator was saturated (${r.clientWorkers.saturationReason ?? 'no reason recorded'}).`);
      const errors = Object.entries(r.connect.errors);
      if (errors.length) notes.push(`${where}: connection errors ${errors.map(([k, v]) => `${k} ${formatNumber(v)}`).join(', ')}.`);
      if (!r.wire.matchesModel) notes.push(`${where}: bytes at the sockets differ from the framing model.`);
    }
  }
  for (const c of results.cases.filter((x) => !x.extrapolatedFrom)) {
    for (const r of c.ruledOut ?? []) notes.push(`${c.profile} ${c.useCase}: ${ruledOutNote(r, c.clients, results.rate).replace(/`/g, '')}`);
    for (const r of completed(c.runs)) if (r.steady?.state === 'overloaded') notes.push(`${c.profile} ${c.useCase}, ${r.transport}: overloaded (${r.steady.reason}); latency is no capacity.`);
  }
  for (const c of results.cases.filter((x) => x.extrapolatedFrom)) notes.push(`${c.profile} ${c.useCase} is extrapolated from use case ${c.extrapolatedFrom!.useCase}: ${c.extrapolatedFrom!.reason}.`);
  return notes.length ? `<ul class="caveats">${notes.map((n) => `<li>${h(n)}</li>`).join('\n')}</ul>` : '<p>No caveats: every measured run completed with an idle load generator, no connection errors, and bytes equal to the framing model.</p>';
}

/** The study page. `page` is its file name (for the CSV links). */
export function studyPageHtml(results: KaazingResults, charts: ChartSpec[], nav: PageLink[], page: string): string {
  const byId = new Map(charts.map((c) => [c.id, c]));
  const fig = (id: string): string => (byId.has(id) ? figureHtml(byId.get(id)!, page) : '');
  const a = results.article;
  const e = results.environment;
  const first = results.profiles[0]?.profile;
  const pair = `<div class="pair">\n${fig('article-figure')}\n${first ? fig(measuredId(first)) : ''}\n</div>`;
  const others = results.profiles.slice(1).map((p) => fig(measuredId(p.profile))).join('\n');
  const parts = [
    `<p class="meta">${h(results.startedAt)} – ${h(results.finishedAt)} · commit ${h(e.commit ?? 'unknown')} · ${h(`${e.cpuModel} × ${e.cpuCount}, Node ${e.node}, ${e.os} ${e.arch}`)}</p>`,
    `<p>Source of the claim: ${h(a.source)}. Every use case sends ${formatNumber(results.rate)} message/s of ${formatNumber(results.payloadBytes)} B per client, measured for ${formatNumber(results.durationS)} s per transport; ` +
      `overhead is every byte on the wire except message bodies, counted at the server’s sockets. Rerun with <code>${h(results.command)}</code>.</p>`,
    section('What the measurements say', findings(results), 'findings'),
    section('The figure, article and measured', pair + (others ? '\n' + others : ''), 'figure'),
    section('The heads', fig('heads'), 'heads'),
    section('Ratios', fig('ratios'), 'ratios'),
  ];
  if (byId.has('tcp')) parts.push(section('TCP/IP segments', fig('tcp'), 'tcp'));
  if (results.latency) {
    const claim = a.latencyClaim;
    parts.push(
      section(
        `Latency: the ${claim.ratio} claim`,
        `<blockquote>${h(claim.quote)}</blockquote>\n${fig('latency-modes')}\n${fig('exchanges')}`,
        'latency',
      ),
    );
  } else parts.push(section('Latency', '<p>Not measured in this run.</p>', 'latency'));
  if (byId.has('y2026')) {
    parts.push(section('2026: the same question over TLS and HTTP/2', `<p>A browser today polls over TLS, and over HTTP/2 where the server offers it. The same transports with Chromium’s heads, measured by <code>pushbench modern</code>:</p>\n${fig('y2026')}`, 'y2026'));
  }
  parts.push(section('Caveats', caveats(results), 'caveats'));
  const env = [
    ['date', results.finishedAt],
    ['Node.js', e.node],
    ['OS', `${e.os} ${e.arch}`],
    ['CPU', `${e.cpuModel} × ${e.cpuCount}`],
    ['open-files limit', e.openFilesLimit === null ? 'unknown' : formatNumber(e.openFilesLimit)],
    ['pushbench', `${e.pushbenchVersion}${e.commit ? ` at ${e.commit}` : ''}`],
    ['network', 'loopback only, no delay except the proxy’s'],
  ];
  parts.push(section('Environment', `<div class="table-wrap">${tableHtml({ columns: ['setting', 'value'], rows: env }, 'Machine of this study')}</div>`, 'environment'));
  return layout(`The ${a.pollOverheadBytes}-bytes-vs-${a.websocketFrameBytes} table, measured`, nav, parts.join('\n'), charts);
}
