/**
 * Escaping and number formatting shared by every page. Text from a results file is data, never markup:
 * everything that reaches HTML goes through `escapeHtml`, everything that reaches a JSON script element
 * through `jsonForScript`.
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an HTML text node or a quoted attribute value. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * JSON for a `<script type="application/json">` element. `<`, `>` and `&` become \u escapes, so neither
 * `</script>` nor `<!--` can end or confuse the element; U+2028/U+2029 are escaped for old JS parsers.
 * `JSON.parse` of the element's text gives back exactly `value`.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** Lower-case ASCII slug for file names; never empty. */
export function slug(text: string): string {
  const s = text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
  return s || 'x';
}

/**
 * A number as the tables show it: thousands separated by commas from 1,000 up, otherwise three significant
 * digits. Deterministic (no locale), so tests can compare the page with the data.
 */
export function formatNumber(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  if (n === 0) return '0';
  const abs = Math.abs(n);
  if (abs >= 1000) return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  if (abs >= 0.001) return String(Number(n.toPrecision(3)));
  return n.toExponential(2);
}

/** Bytes with a binary unit, for environment tables. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${formatNumber(v)} ${units[i]}`;
}
