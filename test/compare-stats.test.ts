import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  binomial,
  bootstrapRelativeChange,
  mannWhitneyU,
  median,
  midRanks,
  minAchievablePValue,
  mulberry32,
  normalCdf,
  repeatsNeeded,
} from '../harness/compare/stats.js';

test('median and mid-ranks', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.deepEqual(midRanks([10, 20, 20, 5]), [2, 3.5, 3.5, 1]);
  assert.throws(() => median([]), RangeError);
});

test('binomial coefficients and the normal CDF', () => {
  assert.equal(binomial(10, 5), 252);
  assert.equal(binomial(8, 4), 70);
  assert.equal(binomial(3, 4), 0);
  assert.ok(Math.abs(normalCdf(1.959964) - 0.975) < 1e-6);
  assert.ok(Math.abs(normalCdf(-1) - 0.158655254) < 1e-6);
});

test('Mann-Whitney U: a small textbook example (U = 17, exact two-sided p = 1/9)', () => {
  const r = mannWhitneyU([19, 22, 16, 29, 24], [20, 11, 17, 12]);
  assert.equal(r.u, 17);
  assert.equal(r.method, 'exact');
  assert.ok(Math.abs(r.pValue - 1 / 9) < 1e-12, `p = ${r.pValue}`);
});

test('Mann-Whitney U: fully separated samples of 5 reach exactly 2 / C(10, 5)', () => {
  const up = mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
  assert.equal(up.u, 0);
  assert.ok(Math.abs(up.pValue - 2 / 252) < 1e-15);
  const down = mannWhitneyU([6, 7, 8, 9, 10], [1, 2, 3, 4, 5]);
  assert.equal(down.u, 25);
  assert.equal(down.pValue, up.pValue);
});

test('Mann-Whitney U: the critical value of U for n1 = n2 = 5 at two-sided 0.05 is 2', () => {
  // U = 2: x beats y in 2 of 25 pairs. U = 3: one pair more.
  const u2 = mannWhitneyU([1, 2, 3, 7, 4.5], [5, 6, 8, 9, 10]);
  const u3 = mannWhitneyU([1, 2, 3, 7, 5.5], [5, 6, 8, 9, 10]);
  assert.equal(u2.u, 2);
  assert.equal(u3.u, 3);
  assert.ok(Math.abs(u2.pValue - 8 / 252) < 1e-12);
  assert.ok(u2.pValue < 0.05);
  assert.ok(Math.abs(u3.pValue - 14 / 252) < 1e-12);
  assert.ok(u3.pValue > 0.05);
});

test('Mann-Whitney U: ties are handled exactly (agrees with brute-force enumeration, p = 1/7)', () => {
  const r = mannWhitneyU([1, 2, 2, 3, 5], [2, 4, 4, 6, 7]);
  assert.equal(r.u, 5);
  assert.ok(Math.abs(r.pValue - 1 / 7) < 1e-12, `p = ${r.pValue}`);
});

test('Mann-Whitney U: identical samples are not significant at all', () => {
  assert.equal(mannWhitneyU([3, 3, 3], [3, 3, 3]).pValue, 1);
  const interleaved = mannWhitneyU([1, 3, 5, 7, 9], [2, 4, 6, 8, 10]);
  assert.ok(interleaved.pValue > 0.5);
});

test('Mann-Whitney U: the normal approximation for large samples (scipy asymptotic p = 0.000452503)', () => {
  const a = Array.from({ length: 40 }, (_, i) => i);
  const b = a.map((x) => x + 10.5);
  const r = mannWhitneyU(a, b);
  assert.equal(r.method, 'normal');
  assert.equal(r.u, 435);
  assert.ok(Math.abs(r.pValue - 0.000452503) < 1e-6, `p = ${r.pValue}`);
});

test('equal distributions are not significant, a clearly shifted one is, with the right sign', () => {
  const random = mulberry32(42);
  const noise = () => 10 + random() * 2;
  const base = Array.from({ length: 8 }, noise);
  const same = Array.from({ length: 8 }, noise);
  const slower = Array.from({ length: 8 }, () => noise() * 1.5);
  assert.ok(mannWhitneyU(same, base).pValue > 0.05);
  const shifted = mannWhitneyU(slower, base);
  assert.ok(shifted.pValue < 0.001);
  // U of the first sample is the count of pairs it wins: all of them when it is slower.
  assert.equal(shifted.u, 64);
  const boot = bootstrapRelativeChange(base, slower, { resamples: 2000, confidence: 0.95, seed: 1 })!;
  assert.ok(boot.low > 0.3 && boot.high < 0.8, `CI ${boot.low}..${boot.high}`);
  const aa = bootstrapRelativeChange(base, same, { resamples: 2000, confidence: 0.95, seed: 1 })!;
  assert.ok(aa.low < 0 && aa.high > 0, `A/A CI ${aa.low}..${aa.high} must contain 0`);
});

test('smallest reachable p-value and the repeats it implies', () => {
  assert.equal(minAchievablePValue(3, 3), 0.1);
  assert.ok(Math.abs(minAchievablePValue(4, 4) - 2 / 70) < 1e-15);
  assert.equal(minAchievablePValue(0, 5), 1);
  assert.equal(repeatsNeeded(0.05), 4);
  assert.equal(repeatsNeeded(0.01), 5);
});

test('the bootstrap is reproducible for a seed and undefined for a zero baseline median', () => {
  const base = [10, 11, 12, 13, 14];
  const cand = [12, 13, 14, 15, 16];
  const a = bootstrapRelativeChange(base, cand, { resamples: 500, confidence: 0.9, seed: 7 });
  const b = bootstrapRelativeChange(base, cand, { resamples: 500, confidence: 0.9, seed: 7 });
  assert.deepEqual(a, b);
  assert.equal(a!.estimate, 14 / 12 - 1);
  assert.ok(a!.low <= a!.estimate && a!.estimate <= a!.high);
  assert.equal(bootstrapRelativeChange([0, 0, 0], [1, 2, 3], { resamples: 100, confidence: 0.9, seed: 1 }), null);
});

test('mulberry32 is deterministic and stays in [0, 1)', () => {
  const a = mulberry32(123);
  const b = mulberry32(123);
  for (let i = 0; i < 1000; i++) {
    const x = a();
    assert.equal(x, b());
    assert.ok(x >= 0 && x < 1);
  }
});
