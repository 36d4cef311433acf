import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main, parseKaazingArgs } from '../harness/commands/kaazing.js';
import { UsageError } from '../harness/errors.js';
import { loadKaazingScenario } from '../harness/studies/kaazing/scenario.js';

const scenario = loadKaazingScenario();

test('bad flags are refused with one line naming the fix', () => {
  assert.throws(() => parseKaazingArgs(['--cases', 'D'], scenario), /unknown use case "D"; the scenario has A, B, C/);
  assert.throws(() => parseKaazingArgs(['--transports', 'carrier-pigeon'], scenario), /unknown transport "carrier-pigeon"/);
  assert.throws(() => parseKaazingArgs(['--profiles', 'nope'], scenario), /unknown header profile "nope"/);
  assert.throws(() => parseKaazingArgs(['--duration', '-1'], scenario), /--duration needs a positive number/);
  assert.throws(() => parseKaazingArgs(['--no-latency', '--latency-only'], scenario), /contradict/);
  assert.throws(() => parseKaazingArgs(['--bogus'], scenario), UsageError);
  assert.deepEqual(parseKaazingArgs(['--cases', 'a,b', '--duration', '3'], scenario).cases, ['A', 'B']);
  assert.throws(() => parseKaazingArgs(['--measure-up-to', 'lots'], scenario), /--measure-up-to must be a whole number of clients, got "lots"/);
  assert.equal(parseKaazingArgs(['--measure-up-to', '10000'], scenario).measureUpTo, 10_000);
  assert.equal(parseKaazingArgs([], scenario).measureUpTo, null);
});

test('--render rejects a file that is not a kaazing results file and writes nothing', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pushbench-kaazing-'));
  try {
    const bogus = path.join(dir, 'run.json');
    writeFileSync(bogus, JSON.stringify({ tool: 'pushbench', runs: [] }));
    const report = path.join(dir, 'kaazing.md');
    await assert.rejects(main(['--render', bogus, '--report', report]), /not a kaazing results file/);
    await assert.rejects(main(['--render', path.join(dir, 'missing.json')]), /cannot read kaazing results/);
    assert.throws(() => readFileSync(report));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
