/**
 * `pushbench capture-headers [--out FILE]`: drives a real Chromium through pushbench's four request kinds and writes
 * the heads it sent as the `chromium` header profile (default scenarios/profiles/chromium.json).
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { captureChromiumHeads, captureToProfile, formatProfileJson } from '../capture/capture-headers.js';
import { EnvironmentError, EXIT, UsageError } from '../errors.js';
import { loadProfile, parseProfile } from '../protocol/profiles.js';
import { profilesDir } from '../paths.js';
import { writeFileAtomic } from '../../results/io.js';

export const summary = "record a real Chromium's request heads as the chromium header profile";

const USAGE = 'usage: pushbench capture-headers [--out FILE]';

export async function main(argv: string[]): Promise<number> {
  let out = path.join(profilesDir, 'chromium.json');
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--out') {
      const v = argv[++i];
      if (!v) throw new UsageError(`--out needs a file name (${USAGE})`);
      out = path.resolve(v);
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write(USAGE + '\n');
      return EXIT.ok;
    } else throw new UsageError(`unknown argument "${arg}" (${USAGE})`);
  }
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
  process.stderr.write(`captured Chromium ${capture.browserVersion}: ${Object.entries(capture.heads).map(([k, h]) => `${k} ${Buffer.byteLength(h.raw, 'latin1')} B`).join(', ')} -> ${out}\n`);
  return EXIT.ok;
}
