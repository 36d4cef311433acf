/**
 * `pushbench capture-headers [--out FILE]`: drives a real Chromium through pushbench's four request kinds and writes
 * the heads it sent as the `chromium` header profile (default scenarios/profiles/chromium.json), then poll, SSE and
 * stream again over HTTP/2 with TLS, whose header lists go to the profile's `h2` section.
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { captureChromiumHeads, captureToProfile, formatProfileJson } from '../capture/capture-headers.js';
import { EnvironmentError, EXIT, UsageError } from '../errors.js';
import { formatHelp, parseOptions, wantsHelp, type OptionTable } from '../options.js';
import { loadProfile, parseProfile } from '../protocol/profiles.js';
import { profilesDir } from '../paths.js';
import { writeFileAtomic } from '../../results/io.js';

export const summary = "record a real Chromium's request heads as the chromium header profile";

const OPTIONS: OptionTable = {
  '--out': { key: 'out', spec: { kind: 'string' }, help: 'profile file to write', value: 'FILE', default: 'scenarios/profiles/chromium.json' },
};

export function help(): string {
  return formatHelp({
    usage: 'pushbench capture-headers [options]',
    description: "Drives a real Chromium through pushbench's four request kinds over HTTP/1.1, and poll, SSE and stream over HTTP/2 (TLS, loopback), and writes what it sent as a header profile.",
    table: OPTIONS,
    examples: ['pushbench capture-headers', 'pushbench capture-headers --out my-chromium.json && pushbench run quick --profile ./my-chromium.json'],
  });
}

export async function main(argv: string[]): Promise<number> {
  if (wantsHelp(argv)) {
    process.stdout.write(help());
    return EXIT.ok;
  }
  const { values, positionals } = parseOptions(OPTIONS, argv, 'capture-headers');
  if (positionals.length > 0) throw new UsageError(`unknown argument "${positionals[0]}"; see pushbench capture-headers --help`);
  const out = values.out !== undefined ? path.resolve(values.out as string) : path.join(profilesDir, 'chromium.json');
  if (!existsSync(path.dirname(out))) throw new UsageError(`directory ${path.dirname(out)} does not exist; create it or pick another --out`);
  let capture;
  try {
    capture = await captureChromiumHeads();
  } catch (e) {
    throw new EnvironmentError(`header capture failed: ${(e as Error).message.split('\n')[0]}`);
  }
  const profile = captureToProfile(capture, loadProfile('minimal').responses);
  parseProfile(profile, out); // the file must load as a profile before it replaces the old one
  writeFileAtomic(out, formatProfileJson(profile));
  const h1 = Object.entries(capture.heads).map(([k, h]) => `${k} ${Buffer.byteLength(h.raw, 'latin1')} B`).join(', ');
  const h2 = Object.entries(capture.h2.heads).map(([k, list]) => `${k} ${list.length} fields`).join(', ');
  process.stderr.write(`captured Chromium ${capture.browserVersion}: HTTP/1.1 ${h1}; HTTP/2 ${h2} -> ${out}\n`);
  return EXIT.ok;
}
