import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeHtml, formatBytes, formatNumber, jsonForScript, slug } from '../reports/format.js';

test('escapeHtml turns every markup character into an entity', () => {
  assert.equal(escapeHtml(`<script>alert("x") & 'y'</script>`), '&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;');
  assert.equal(escapeHtml(42), '42');
});

test('jsonForScript cannot close or comment out its script element and parses back to the same value', () => {
  const value = { label: '</script><script>alert(1)</script><!-- & \u2028\u2029', n: [1, 2.5, null] };
  const text = jsonForScript(value);
  assert.doesNotMatch(text, /[<>&\u2028\u2029]/);
  assert.deepEqual(JSON.parse(text), value);
});

test('formatNumber is deterministic: commas from 1,000, three significant digits below', () => {
  assert.equal(formatNumber(0), '0');
  assert.equal(formatNumber(1234567.8), '1,234,568');
  assert.equal(formatNumber(1000), '1,000');
  assert.equal(formatNumber(999.4), '999');
  assert.equal(formatNumber(53.1000200040008), '53.1');
  assert.equal(formatNumber(0.000123), '1.23e-4');
  assert.equal(formatNumber(-2500), '-2,500');
  assert.equal(formatNumber(null), '–');
  assert.equal(formatNumber(Number.NaN), '–');
});

test('formatBytes uses binary units', () => {
  assert.equal(formatBytes(8 * 1024 ** 3), '8 GiB');
  assert.equal(formatBytes(512), '512 B');
});

test('slug keeps file names to lower-case ASCII and is never empty', () => {
  assert.equal(slug('</script><script>window.__pwned = 1'), 'script-script-window-pwned-1');
  assert.equal(slug('2025-11-21T05:00:00.000Z'), '2025-11-21t05-00-00-000z');
  assert.equal(slug('<>'), 'x');
});
