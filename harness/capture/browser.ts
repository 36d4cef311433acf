/**
 * Launches Chromium for Playwright: the system's Chromium where there is one (Debian's /usr/bin/chromium, or
 * PUSHBENCH_CHROMIUM), otherwise the browser Playwright installed itself. Shared by header capture and page tests.
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright';

const SYSTEM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** Flags that keep a headless Chromium off the network and quiet on a machine with no outside access. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function systemChromium(): string | undefined {
  const fromEnv = process.env.PUSHBENCH_CHROMIUM;
  if (fromEnv) return fromEnv;
  return SYSTEM_CANDIDATES.find((p) => existsSync(p));
}

/** `extraArgs` go after CHROMIUM_ARGS (header capture adds --ignore-certificate-errors for its HTTP/2 page). */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  const { chromium } = await import('playwright');
  const executablePath = systemChromium();
  try {
    return await chromium.launch({ headless: true, args: [...CHROMIUM_ARGS, ...extraArgs], ...(executablePath ? { executablePath } : {}) });
  } catch (e) {
    const how = executablePath
      ? `could not start Chromium at ${executablePath}`
      : 'no Chromium found: install one (Debian: apt-get install -y chromium) or run npx playwright install chromium';
    throw new Error(`${how} (${(e as Error).message.split('\n')[0]})`);
  }
}
