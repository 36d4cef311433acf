import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { UsageError } from '../harness/errors.js';
import { parseRunArgs } from '../harness/run/scenario.js';
import { KAAZING_SCENARIO_FILE, loadKaazingScenario, parseKaazingScenario } from '../harness/studies/kaazing/scenario.js';
import { loadProfile } from '../harness/protocol/profiles.js';

const scenario = loadKaazingScenario();

test('the scenario carries the article and three use cases of 1,000, 10,000 and 100,000 clients', () => {
  assert.deepEqual(scenario.useCases.map((u) => [u.useCase, u.clients]), [['A', 1000], ['B', 10000], ['C', 100000]]);
  assert.equal(scenario.article.requestVisibleChars + scenario.article.responseVisibleChars, scenario.article.pollOverheadBytes);
  for (const p of [...scenario.profiles, scenario.latency.profile, scenario.latency.closeProfile]) loadProfile(p);
});

test('the study file is checked before anything starts: one line naming the key and what it must be', () => {
  const raw = JSON.parse(readFileSync(KAAZING_SCENARIO_FILE, 'utf8'));
  const broken = (edit: (o: any) => void): unknown => {
    const o = structuredClone(raw);
    edit(o);
    return o;
  };
  const where = 'scenarios/studies/kaazing.json';
  assert.equal(parseKaazingScenario(raw, where).useCases.length, 3);
  assert.throws(() => parseKaazingScenario(broken((o) => (o.rate = 'fast')), where), /^UsageError: scenarios\/studies\/kaazing.json: rate must be a number above 0, got "fast"$/);
  assert.throws(() => parseKaazingScenario(broken((o) => (o.transports = ['sse', 'carrier-pigeon'])), where), /transports\[1\] must be one of short-polling, .*got "carrier-pigeon"/);
  assert.throws(() => parseKaazingScenario(broken((o) => (o.kaazing.useCases[2].clients = 0)), where), /kaazing\.useCases\[2\]\.clients must be a whole number from 1/);
  assert.throws(() => parseKaazingScenario(broken((o) => (o.kaazing.latency.closeProfile = 'nope')), where), /kaazing\.latency\.closeProfile: unknown header profile "nope"/);
  assert.throws(() => parseKaazingScenario(broken((o) => (o.kaazing.latency.delay = 50)), where), /unknown key "kaazing\.latency\.delay"; known keys: delayMs/);
  assert.throws(() => parseKaazingScenario(broken((o) => (o.clients = 1000)), where), /unknown key "clients"/);
  assert.throws(() => parseKaazingScenario(broken((o) => delete o.kaazing.article), where), /kaazing\.article must be an object, got undefined/);
  assert.throws(() => parseKaazingScenario(broken((o) => (o.payloadBytes = 8)), where), UsageError);
});

test('pushbench run refuses the study with the command that runs it', () => {
  assert.throws(() => parseRunArgs(['kaazing']), /^UsageError: "kaazing" is a study, not a run scenario: run it with pushbench kaazing$/);
});
