/** What npm publishes: the whitelist in package.json, checked with npm pack --dry-run. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { packageRoot } from '../harness/paths.js';

test('npm pack ships the compiled tool, scenarios, profiles, the dashboard page, README and LICENSE, and nothing else', () => {
  // --ignore-scripts: packing must not run prepare (a clean build) under the running tests.
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: packageRoot, encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const [pack] = JSON.parse(r.stdout) as Array<{ files: Array<{ path: string }>; size: number }>;
  const files = new Set(pack!.files.map((f) => f.path));
  for (const needed of [
    'package.json',
    'README.md',
    'LICENSE',
    'dist/harness/cli.js',
    'dist/harness/run/client-worker.js',
    'dist/harness/run/server-process.js',
    'dist/dashboards/client/live.js',
    'dist/reports/client/render.js',
    'dashboards/live.html',
    'scenarios/quick.json',
    'scenarios/profiles/minimal.json',
    'scenarios/profiles/chromium.json',
    'scenarios/studies/kaazing.json',
  ]) {
    assert.ok(files.has(needed), `${needed} is packed`);
  }
  for (const f of files) {
    assert.ok(!/^(test|results|baselines|docs|ci|\.github|\.ci|node_modules)\//.test(f) && !f.startsWith('dist/test/'), `${f} is not for users`);
    assert.ok(!f.endsWith('.map') && !(f.endsWith('.ts') && !f.endsWith('.d.ts')), `${f}: no sources or source maps`);
  }
  // Every relative import of a packed module is packed too.
  for (const f of files) {
    if (!f.endsWith('.js')) continue;
    const text = readFileSync(path.join(packageRoot, f), 'utf8');
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(f), m[1]!));
      assert.ok(files.has(target), `${f} imports ${m[1]}, which is packed`);
    }
  }
  assert.ok(pack!.size < 400_000, `the tarball stays small (${pack!.size} bytes)`);
});

test('package.json: MIT with a LICENSE file, repository, homepage, bugs, engines, a clean build, tests by file glob', () => {
  const pkg = JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8'));
  assert.equal(pkg.license, 'MIT');
  assert.match(readFileSync(path.join(packageRoot, 'LICENSE'), 'utf8'), /^MIT License\n/);
  assert.match(pkg.repository.url, /^git\+https:\/\/github\.com\/.+\.git$/);
  assert.match(pkg.homepage, /^https:\/\//);
  assert.match(pkg.bugs.url, /\/issues$/);
  assert.equal(pkg.engines.node, '>=20');
  assert.match(pkg.scripts.build, /^npm run clean --silent && tsc /, 'compiled files of deleted sources do not survive a build');
  assert.match(pkg.scripts.test, /node --test --test-concurrency=1 dist\/test\/\*\.test\.js$/, 'files, not a directory (Node 21+ refuses one)');
});
