/**
 * Checks a generated report site the way a reader would meet it: every page opened in Chromium from file://, at
 * desktop width and at 390 px, light and dark. Not a test file itself (no `.test.` in the name): the site tests and
 * anyone checking a built site call `checkSite`.
 *
 * A page passes when every chart canvas has pixels drawn, nothing logs an error or warning or asks for anything
 * off the site, nothing scrolls sideways on a phone, and every local link (pages, CSV files, #anchors) resolves.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser } from 'playwright';

export interface PageCheck {
  page: string;
  charts: number;
  problems: string[];
}

/** Local links of a page's HTML (href and src), resolved against the page; external links are returned as problems. */
export function localLinks(html: string): string[] {
  return [...html.matchAll(/\b(?:href|src)="([^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
}

/** Checks every link of one page file: files exist, fragments name an element of their target page. */
export function checkLinks(file: string): string[] {
  const problems: string[] = [];
  const html = readFileSync(file, 'utf8');
  for (const link of localLinks(html)) {
    if (link.startsWith('data:')) continue;
    if (/^[a-z]+:/i.test(link) || link.startsWith('//')) {
      problems.push(`link off the site: ${link}`);
      continue;
    }
    const [target, fragment] = link.split('#', 2) as [string, string | undefined];
    const targetFile = target === '' ? file : path.resolve(path.dirname(file), decodeURIComponent(target));
    if (!existsSync(targetFile)) {
      problems.push(`broken link: ${link}`);
      continue;
    }
    if (fragment) {
      const targetHtml = target === '' ? html : readFileSync(targetFile, 'utf8');
      if (!targetHtml.includes(`id="${fragment}"`)) problems.push(`broken anchor: ${link}`);
    }
  }
  return problems;
}

/** Opens one page and returns what is wrong with it. */
export async function checkPage(browser: Browser, file: string, viewport: { width: number; height: number }, colorScheme: 'light' | 'dark'): Promise<PageCheck> {
  const context = await browser.newContext({ viewport, colorScheme });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (!r.url().startsWith('file://') && !r.url().startsWith('data:')) problems.push(`request off the site: ${r.url()}`);
  });
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  try {
    await page.goto(pathToFileURL(file).href);
    const state = await page.evaluate(() => {
      const canvases = Array.from(document.querySelectorAll('canvas'));
      const blank = canvases
        .filter((c) => {
          const ctx = c.getContext('2d');
          if (!ctx || c.width === 0 || c.height === 0) return true;
          const data = ctx.getImageData(0, 0, c.width, c.height).data;
          for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return false;
          return true;
        })
        .map((c) => c.id);
      return { charts: canvases.length, blank, scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth };
    });
    for (const id of state.blank) problems.push(`chart ${id} is blank`);
    if (state.scrollWidth > state.innerWidth) problems.push(`scrolls sideways: ${state.scrollWidth}px content in a ${state.innerWidth}px viewport`);
    return { page: path.basename(file), charts: state.charts, problems };
  } finally {
    await context.close();
  }
}

/** Every HTML page of a site, checked at 1200 px (light) and at 390 px (dark), plus its links. */
export async function checkSite(browser: Browser, dir: string): Promise<PageCheck[]> {
  const pages = readdirSync(dir).filter((n) => n.endsWith('.html')).sort();
  const out: PageCheck[] = [];
  for (const name of pages) {
    const file = path.join(dir, name);
    const wide = await checkPage(browser, file, { width: 1200, height: 900 }, 'light');
    const phone = await checkPage(browser, file, { width: 390, height: 844 }, 'dark');
    out.push({ page: name, charts: wide.charts, problems: [...wide.problems, ...phone.problems.map((p) => `at 390 px: ${p}`), ...checkLinks(file)] });
  }
  return out;
}

/**
 * `node dist/test/site-check.js DIR`: checks a built site and exits 1 on any problem. `node --test dist/test/` also
 * loads this file (everything in a test folder counts): without a DIR, or under the test runner, it does nothing.
 */
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1]) && process.argv[2] && !process.env.NODE_TEST_CONTEXT) {
  const { launchChromium } = await import('../harness/capture/browser.js');
  const browser = await launchChromium();
  try {
    const results = await checkSite(browser, process.argv[2]);
    let bad = 0;
    for (const r of results) {
      process.stdout.write(`${r.problems.length ? 'FAIL' : 'ok  '} ${r.page} (${r.charts} charts)\n`);
      for (const p of r.problems) process.stdout.write(`     ${p}\n`);
      bad += r.problems.length;
    }
    process.exitCode = bad ? 1 : 0;
  } finally {
    await browser.close();
  }
}
