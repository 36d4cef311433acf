/**
 * A results file records the git state of the directory the command was started in (not pushbench's own folder),
 * as it was when the command started: a commit or an edit made during the run does not change it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../harness/paths.js';

const envModule = pathToFileURL(path.join(packageRoot, 'dist', 'harness', 'measure', 'environment.js')).href;

/**
 * Loads environment.js in a fresh process started in `cwd` as `pushbench run quick` would (argv[1] the script),
 * runs `during` (which changes the tree), then reads environment().
 */
function environmentIn(cwd: string, during: string): { commit: string | null; dirty: boolean | null; command: string } {
  const script = `
    const { environment } = await import(${JSON.stringify(envModule)});
    const { execSync } = await import('node:child_process');
    ${during}
    const e = environment();
    process.stdout.write(JSON.stringify({ commit: e.commit, dirty: e.dirty, command: e.command }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script, 'cli.js', 'run', 'quick'], { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' }).trim();

test('commit and dirty come from the starting directory, read when the command starts', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pushbench-git-'));
  try {
    git(dir, 'init', '-q');
    writeFileSync(path.join(dir, 'a.txt'), 'one\n');
    git(dir, 'add', 'a.txt');
    git(dir, 'commit', '-q', '-m', 'first');
    const first = git(dir, 'rev-parse', 'HEAD');

    // Clean at the start; a commit and an edit made while the command runs are not what it measured.
    const gitCmd = `git -c user.name=t -c user.email=t@example.invalid -c commit.gpgsign=false`;
    const clean = environmentIn(dir, `execSync('echo two > a.txt && ${gitCmd} commit -qam second && echo three > a.txt');`);
    assert.deepEqual({ commit: clean.commit, dirty: clean.dirty }, { commit: first, dirty: false });
    assert.equal(clean.command, 'pushbench run quick');
    const second = git(dir, 'rev-parse', 'HEAD');
    assert.notEqual(second, first);

    // Dirty at the start (a.txt is "three" now, committed "two"): recorded as dirty, at the commit then checked out.
    const dirty = environmentIn(dir, `execSync('${gitCmd} commit -qam third');`);
    assert.deepEqual({ commit: dirty.commit, dirty: dirty.dirty }, { commit: second, dirty: true });

    // Untracked files (results written into the tree) do not make it dirty.
    git(dir, 'checkout', '-q', '--', 'a.txt');
    writeFileSync(path.join(dir, 'results.json'), '{}');
    assert.equal(environmentIn(dir, '').dirty, false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('outside a git work tree commit and dirty are null', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pushbench-nogit-'));
  try {
    const e = environmentIn(dir, '');
    assert.equal(e.commit, null);
    assert.equal(e.dirty, null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
