/** The one option parser: short flags, values that look like flags, booleans, names vs paths, and help style. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { UsageError } from '../harness/errors.js';
import { parseOptions } from '../harness/options.js';
import { distHarnessDir, packageRoot, profilesDir } from '../harness/paths.js';
import { loadProfile } from '../harness/protocol/profiles.js';
import { parseRunArgs, readScenario } from '../harness/run/scenario.js';
import { hostPort } from '../harness/transports/client.js';

const CLI = path.join(distHarnessDir, 'cli.js');
const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });

function tmp(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'pushbench-cli-'));
}

test('short flags are the long ones: -c -d -t -r -p -j -q', () => {
  const long = parseRunArgs(['quick', '--clients', '10', '--duration', '2', '--transports', 'sse', '--rate', '5', '--payload', '32', '--json', 'x.json', '--quiet']);
  const short = parseRunArgs(['quick', '-c', '10', '-d', '2', '-t', 'sse', '-r', '5', '-p', '32', '-j', 'x.json', '-q']);
  assert.deepEqual(short, long);
  assert.equal(short.options.clients, 10);
  assert.equal(short.options.durationS, 2);
  assert.deepEqual(short.options.transports, ['sse']);
  assert.equal(short.quiet, true);
  assert.equal(parseRunArgs(['quick', '-c10']).options.clients, 10, 'a short flag with its value attached');
  assert.throws(() => parseRunArgs(['quick', '-x', '1']), /unknown flag -x; see pushbench run --help/);
});

test('a flag where a value should be is refused, not taken as the value (--clients --duration 5)', () => {
  assert.throws(() => parseRunArgs(['quick', '--clients', '--duration', '5']), (e: unknown) => e instanceof UsageError && /^--clients needs a value \(N\)/.test(e.message));
  assert.throws(() => parseRunArgs(['quick', '--json', '-q']), /--json needs a file name \(or - for stdout\)/);
  // A negative number is a value (and then out of range), and - alone is stdout.
  assert.throws(() => parseRunArgs(['quick', '--warmup', '-1']), /--warmup must be a number from 0/);
  assert.equal(parseRunArgs(['quick', '--json', '-']).options.jsonFile, '-');
});

test('booleans: --flag, --flag=true|false, --no-flag; --dashboard=false does not start the dashboard', () => {
  assert.equal(parseRunArgs(['quick']).dashboard, false);
  assert.equal(parseRunArgs(['quick', '--dashboard']).dashboard, true);
  assert.equal(parseRunArgs(['quick', '--dashboard=false']).dashboard, false);
  assert.equal(parseRunArgs(['quick', '--dashboard=true']).dashboard, true);
  assert.equal(parseRunArgs(['quick', '--no-report']).report, false);
  assert.equal(parseRunArgs(['quick', '--report=false']).report, false);
  assert.equal(parseRunArgs(['quick', '--permessage-deflate', '--no-permessage-deflate']).options.perMessageDeflate, false);
  assert.throws(() => parseRunArgs(['quick', '--dashboard=maybe']), /--dashboard must be true or false, got "maybe"/);
  assert.throws(() => parseRunArgs(['quick', '--no-clients']), /unknown flag --no-clients/);
});

test('--host: loopback IPv4 with octets up to 255, ::1 or localhost; the Host header brackets IPv6', () => {
  assert.throws(() => parseRunArgs(['quick', '--host', '127.300.1.1']), /--host must be a loopback address/);
  assert.throws(() => parseRunArgs(['quick', '--host', '127.0.0.01']), /--host must be a loopback address/);
  assert.equal(parseRunArgs(['quick', '--host', '127.0.0.2']).options.host, '127.0.0.2');
  assert.equal(parseRunArgs(['quick', '--host', '::1']).options.host, '::1');
  assert.equal(hostPort('::1', 8080), '[::1]:8080');
  assert.equal(hostPort('127.0.0.1', 8080), '127.0.0.1:8080');
  assert.equal(hostPort('localhost', 8080), 'localhost:8080');
});

test('more workers than clients is a usage error (exit 2), before anything starts', () => {
  assert.throws(() => parseRunArgs(['quick', '-c', '2', '--workers', '3']), (e: unknown) => e instanceof UsageError && /--workers 3 is more than the 2 clients/.test(e.message));
  const r = cli(['run', 'quick', '-c', '2', '--workers', '3']);
  assert.equal(r.status, 2, r.stderr);
});

test('scenario files: by name (a strict slug) or by path; null, arrays and unknown keys are usage errors', () => {
  const dir = tmp();
  try {
    const mine = path.join(dir, 'my-scenario.json');
    writeFileSync(mine, JSON.stringify({ clients: 7, durationS: 2, transports: ['sse'] }));
    const byPath = parseRunArgs([mine]);
    assert.equal(byPath.options.scenario, 'my-scenario');
    assert.equal(byPath.options.clients, 7);
    assert.deepEqual(byPath.options.transports, ['sse']);
    writeFileSync(mine, JSON.stringify({ name: 'named', clients: 3 }));
    assert.equal(parseRunArgs([mine, '-c', '4']).options.scenario, 'named');
    assert.equal(parseRunArgs([mine, '-c', '4']).options.clients, 4, 'flags override the file');
    writeFileSync(mine, 'null');
    assert.throws(() => readScenario(mine), (e: unknown) => e instanceof UsageError && /must hold a JSON object of run options, got null/.test(e.message));
    writeFileSync(mine, '[1]');
    assert.throws(() => readScenario(mine), /got an array/);
    writeFileSync(mine, '{"clients": null}');
    assert.throws(() => readScenario(mine), /clients must be a whole number/);
    writeFileSync(mine, '{"transports": 5}');
    assert.throws(() => readScenario(mine), /transports must be a comma-separated list of transport names/);
    writeFileSync(mine, '{"name": "../x"}');
    assert.throws(() => readScenario(mine), /"name" must be letters, digits/);
    assert.throws(() => readScenario(path.join(dir, 'absent.json')), /cannot read scenario file .*absent.json \(ENOENT\)/);
    assert.throws(() => parseRunArgs(['qu ick']), /"qu ick" is not a scenario name/);
    // Through the command line: a file holding null is exit 2 with one line, not an internal error.
    writeFileSync(mine, 'null');
    const r = cli(['run', mine]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^pushbench: .*must hold a JSON object of run options, got null\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('header profiles: names are slugs (no ../../package), paths are read as given and made absolute', () => {
  assert.throws(() => parseRunArgs(['quick', '--profile', '../../package']), /cannot read header profile file .*package;/);
  assert.throws(() => loadProfile('..'), /".." is not a header profile name/);
  assert.throws(() => parseRunArgs(['quick', '--profile', 'pack age']), /is not a profile name/);
  const dir = tmp();
  try {
    const file = path.join(dir, 'mine.json');
    copyFileSync(path.join(profilesDir, 'minimal.json'), file);
    const rel = path.relative(process.cwd(), file);
    assert.equal(parseRunArgs(['quick', '--profile', rel]).options.profile, file);
    assert.deepEqual(loadProfile(file), loadProfile('minimal'));
    // In a scenario file, a profile path is relative to the scenario file.
    const scenario = path.join(dir, 'with-profile.json');
    writeFileSync(scenario, JSON.stringify({ profile: './mine.json' }));
    assert.equal(parseRunArgs([scenario]).options.profile, file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('parseOptions: multiple values, --, and = forms', () => {
  const table = {
    '--tag': { key: 'tag', spec: { kind: 'string' as const }, help: 'a tag', multiple: true, short: '-g' },
    '--n': { key: 'n', spec: { kind: 'int' as const, min: 0, max: 9 }, help: 'n' },
  };
  const r = parseOptions(table, ['a', '--tag', 'x', '-g=y', '--n=3', '--', '--n'], 'test');
  assert.deepEqual(r.values, { tag: ['x', 'y'], n: 3 });
  assert.deepEqual(r.positionals, ['a', '--n']);
  assert.throws(() => parseOptions(table, ['--n='], 'test'), /--n needs a value/);
});

test('pushbench with no command: usage on stderr, exit 2, nothing on stdout; --help and --version on stdout', () => {
  const none = cli([]);
  assert.equal(none.status, 2);
  assert.equal(none.stdout, '');
  assert.match(none.stderr, /^usage: pushbench <command>/);
  const help = cli(['--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^usage: pushbench <command>/);
  const version = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')).version as string;
  for (const flag of ['--version', '-v']) {
    const v = cli([flag]);
    assert.equal(v.status, 0);
    assert.equal(v.stdout, `${version}\n`);
  }
});

test('every command --help in one style: usage, options with value names, defaults, examples', () => {
  for (const command of ['run', 'capacity', 'compare', 'baseline', 'report', 'capture-headers', 'kaazing', 'export', 'floor', 'docs']) {
    const r = cli([command, '--help']);
    assert.equal(r.status, 0, `${command} --help: ${r.stderr}`);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, new RegExp(`^usage: pushbench ${command}`), command);
    assert.match(r.stdout, /\noptions:\n/, command);
    assert.match(r.stdout, /\n  -h, --help +show this help\n/, command);
    assert.match(r.stdout, /\nexamples:\n  pushbench /, command);
  }
  const run = cli(['run', '-h']).stdout;
  assert.match(run, /-c, --clients N +simulated clients per transport \(default 1000\)/);
  assert.match(run, /-d, --duration S +seconds of publishing \(default 10\)/);
  assert.match(run, /\nscenarios:\n  quick +All five transports/);
});

test('--json - writes the results to stdout and the tables to stderr; --quiet drops the progress', () => {
  const r = cli(['run', 'quick', '-t', 'sse', '-c', '2', '-r', '5', '-d', '1', '--json', '-', '-q']);
  assert.equal(r.status, 0, r.stderr);
  const results = JSON.parse(r.stdout);
  assert.equal(results.tool, 'pushbench');
  assert.equal(results.runs.length, 1);
  assert.equal(results.runs[0].transport, 'sse');
  assert.match(r.stderr, /transport/, 'the table went to stderr');
  assert.doesNotMatch(r.stderr, /pushbench: (scenario|results|sse: )/, 'no progress lines with --quiet');
});

test('compare --json - writes the comparison to stdout and the text verdict to stderr', () => {
  const fixture = path.join(packageRoot, 'test', 'fixtures', 'results-quick-small.json');
  const r = cli(['compare', fixture, fixture, '--exact-only', '-j', '-']);
  assert.equal(r.status, 0, r.stderr);
  const verdict = JSON.parse(r.stdout);
  assert.equal(verdict.summary.exitCode, 0);
  assert.match(r.stderr, /verdict: no regression/);
});

test('report --include adds directories to --site only', async () => {
  const { parseReportArgs } = await import('../harness/commands/report.js');
  assert.deepEqual(parseReportArgs(['--site', 'public', '--include', 'a', '--include', 'b']), { files: [], outDir: 'public', site: true, include: ['a', 'b'] });
  assert.throws(() => parseReportArgs(['--include', 'a']), /--include adds results to --site DIR/);
  assert.throws(() => parseReportArgs(['--out']), /--out needs a directory/);
});
