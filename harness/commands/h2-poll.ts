/**
 * `pushbench h2-poll [--profile NAME] [--requests N]`: one HTTP/2 connection (h2c, node:http2 on both sides) through a
 * frame-reading relay; the profile's poll sent N times. Prints, per request, the HPACK header block each way and the
 * exchange's bytes on the wire, beside the HTTP/1.1 head the same profile writes: what HPACK makes of the 871 bytes.
 */
import { EXIT, UsageError } from '../errors.js';
import { formatHelp, parseOptions, wantsHelp, type OptionTable } from '../options.js';
import { checkProfile } from '../run/scenario.js';
import { loadProfile, fillHeaders } from '../protocol/profiles.js';
import { httpHeadBytes } from '../protocol/framing.js';
import { probeH2Poll } from '../protocol/h2/poll-probe.js';

export const summary = 'HPACK against the HTTP/1.1 poll: one HTTP/2 connection, the profile poll N times: pushbench h2-poll [flags]';

const OPTIONS: OptionTable = {
  '--profile': { key: 'profile', spec: { kind: 'string' }, help: 'header profile: a name in scenarios/profiles/ or a path', value: 'NAME|FILE', default: 'chromium' },
  '--requests': { key: 'requests', spec: { kind: 'int', min: 1, max: 1000 }, help: 'polls on the one connection', short: '-n', value: 'N', default: '5' },
};

export function help(): string {
  return formatHelp({
    usage: 'pushbench h2-poll [options]',
    description:
      'Sends the profile\'s poll request N times on one clear-text HTTP/2 connection (node:http2) through a relay that\n' +
      'reads every frame (RFC 9113), and prints each request\'s HPACK header block and bytes beside the HTTP/1.1 head.',
    table: OPTIONS,
    examples: ['pushbench h2-poll --profile kaazing-2009 --requests 5'],
  });
}

export async function main(argv: string[]): Promise<number> {
  if (wantsHelp(argv)) {
    process.stdout.write(help());
    return EXIT.ok;
  }
  const parsed = parseOptions(OPTIONS, argv, 'h2-poll');
  if (parsed.positionals.length > 0) throw new UsageError(`unknown argument "${parsed.positionals[0]}"; see pushbench h2-poll --help`);
  const v = parsed.values as { profile?: string; requests?: number };
  const name = checkProfile(v.profile ?? 'chromium');
  const profile = loadProfile(name);
  const requests = v.requests ?? 5;
  const host = '127.0.0.1:8080';
  const h1Request = httpHeadBytes(`GET ${profile.paths.poll}?since=0 HTTP/1.1`, fillHeaders(profile.requests.poll, { host }));
  const h1Response = httpHeadBytes('HTTP/1.1 200 OK', fillHeaders(profile.responses.poll, { length: 21, date: 'x'.repeat(29) }));
  const p = await probeH2Poll(profile, requests);
  const rows = [
    ['request', 'c2s HPACK B', 'c2s B on wire', 's2c HPACK B', 's2c B on wire'],
    ...p.exchanges.map((e, i) => [String(i + 1), String(e.requestHeaderBlockBytes), String(e.c2sBytes), String(e.responseHeaderBlockBytes), String(e.s2cBytes)]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const out = rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
  out.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  process.stdout.write(
    [
      `profile ${name}: HTTP/1.1 poll request head ${h1Request} B, response head ${h1Response} B (host as ${host}); HTTP/2 h2c, node ${process.version}`,
      `set-up: c2s ${p.setup.c2s.preface} B preface + ${p.setup.c2s.frameHeaders + p.setup.c2s.control} B SETTINGS frames; s2c ${p.setup.s2c.frameHeaders + p.setup.s2c.control} B`,
      ...out,
      `every byte the relay carried is in these frames: c2s ${p.relayBytes.c2s} B, s2c ${p.relayBytes.s2c} B`,
    ].join('\n') + '\n',
  );
  return EXIT.ok;
}
