#!/usr/bin/env node
/**
 * The `pushbench` command. Bad input: one line on stderr, exit 2. Machine problems: one line, exit 3.
 * Ctrl-C: children killed, no half-written file, exit 130. No stack traces unless PUSHBENCH_DEBUG=1.
 */
import { isStopping, killAllAndWait } from './run/children.js';
import { EXIT, UsageError, exitCodeOf } from './errors.js';
import { removePendingTemps } from '../results/io.js';
import { oneLine } from '../results/read.js';
import { packageVersion } from './options.js';

interface CommandModule {
  main(argv: string[]): Promise<number>;
  summary: string;
}

/** Every command, loaded on demand. */
const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  run: () => import('./commands/run.js'),
  report: () => import('./commands/report.js'),
  capacity: () => import('./commands/capacity.js'),
  compare: () => import('./commands/compare.js'),
  baseline: () => import('./commands/baseline.js'),
  kaazing: () => import('./commands/kaazing.js'),
  'capture-headers': () => import('./commands/capture-headers.js'),
  export: () => import('./commands/export.js'),
  floor: () => import('./commands/floor.js'),
  docs: () => import('./commands/docs.js'),
  modern: () => import('./commands/modern.js'),
  'h2-poll': () => import('./commands/h2-poll.js'),
};

async function usage(): Promise<string> {
  const rows = await Promise.all(Object.entries(COMMANDS).map(async ([name, load]) => `  ${name.padEnd(16)} ${(await load()).summary}`));
  return [
    'usage: pushbench <command> [options]',
    '',
    'Measures Ajax short polling, long polling, SSE, HTTP streaming and WebSocket on the wire.',
    '',
    'commands:',
    ...rows,
    '',
    'options:',
    '  -h, --help     show this help',
    '  -v, --version  print the version',
    '',
    'examples:',
    '  pushbench run quick -c 100 -d 5',
    '  pushbench run --help',
    '',
    'pushbench <command> --help for each command; README.md for the results schema and exit codes.',
  ].join('\n');
}

async function cleanupAndExit(code: number): Promise<never> {
  removePendingTemps();
  await killAllAndWait();
  process.exit(code);
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (!command) {
    // No command is a usage error: the usage goes to stderr, so a script that forgot the command sees nothing on stdout.
    process.stderr.write((await usage()) + '\n');
    process.exit(EXIT.usage);
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write((await usage()) + '\n');
    process.exit(EXIT.ok);
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${packageVersion()}\n`);
    process.exit(EXIT.ok);
  }
  const load = COMMANDS[command];
  if (!load) throw new UsageError(`unknown command "${command}"; commands: ${Object.keys(COMMANDS).join(', ')}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      process.stderr.write(`\npushbench: interrupted; stopping every child process, writing no results\n`);
      void cleanupAndExit(EXIT.interrupted);
    });
  }
  const mod = await load();
  const code = await mod.main(rest);
  await cleanupAndExit(code);
}

main().catch(async (e: unknown) => {
  // After Ctrl-C the signal handler owns the exit; what fails in between is its doing.
  if (isStopping()) return;
  const code = exitCodeOf(e);
  if (code !== null) {
    // One line whatever the message quotes from a file: control characters (line breaks, escape sequences) become '?'.
    process.stderr.write(`pushbench: ${oneLine((e as Error).message)}\n`);
    return cleanupAndExit(code);
  }
  process.stderr.write(`pushbench: internal error: ${(e as Error)?.message ?? String(e)}\n`);
  if (process.env.PUSHBENCH_DEBUG) process.stderr.write(`${(e as Error)?.stack}\n`);
  return cleanupAndExit(EXIT.failed);
});
