/** `pushbench run <scenario> [flags]`: measure, write the results file, print the table. */
import path from 'node:path';
import { machineLimits } from '../measure/environment.js';
import { isStopping } from '../run/children.js';
import { EXIT } from '../errors.js';
import { describePlan, planFor } from '../run/plan.js';
import { Progress } from '../run/progress.js';
import { resultsPath, writeResults } from '../../results/io.js';
import { runScenario } from '../run/runner.js';
import { RUN_FLAGS, parseRunArgs } from '../run/scenario.js';
import { COST_COLUMNS, formatTable } from '../../reports/table.js';
import { DEFAULT_REPORT_DIR, reportResultsDir } from './report.js';
import { holdAgainstFloor } from '../measure/floor.js';

export const summary = 'measure transports on the wire: pushbench run <scenario> [flags]';

export function help(): string {
  const flags = Object.entries(RUN_FLAGS).map(([f, o]) => `  ${f.padEnd(26)} ${o.help}`);
  return [
    'usage: pushbench run <scenario> [flags]',
    '',
    'Runs each transport against its own embedded server process with simulated clients in worker processes,',
    'writes one results JSON and prints one row per transport. Flags override the scenario file.',
    '',
    ...flags,
    `  ${'--dashboard'.padEnd(26)} serve a live dashboard on 127.0.0.1 while the run goes`,
    `  ${'--no-report'.padEnd(26)} do not write the HTML report after the run`,
  ].join('\n');
}

/** Where `npm run bench` writes its report pages. */

export async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(help() + '\n');
    return EXIT.ok;
  }
  const { options, dashboard, report } = parseRunArgs(argv);
  // Refuse a plan the machine cannot hold before printing or starting anything.
  const planned = planFor(options, machineLimits());
  const progress = new Progress();
  progress.note(describePlan(planned.plan, options.clients, planned.limits, options));
  const messages = Math.max(1, Math.round(options.rate * options.durationS));
  progress.note(
    `scenario ${options.scenario}: ${options.transports.join(', ')}; ${options.clients} clients, ${options.rate} msg/s of ${options.payloadBytes} B for ${options.durationS} s, profile ${options.profile}` +
      (options.warmupS ? `, latency from second ${options.warmupS} on (warm-up)` : '') +
      (options.repeat > 1 ? `, ${options.repeat} repeats` : ''),
  );
  const live = dashboard ? await (await import('../../dashboards/server.js')).startDashboard({ port: 0 }) : null;
  if (live) progress.note(`live dashboard: ${live.url}`);
  try {
    const results = await runScenario(options, {
      onSample: (s) => {
        progress.sample(s, messages);
        live?.publish(s);
      },
      onTransportDone: (r) => progress.done(r),
    }, planned);
    if (isStopping()) return EXIT.interrupted;
    await holdAgainstFloor(results, options, planned.plan, progress);
    const file = resultsPath(options, results.startedAt);
    writeResults(results, file);
    process.stdout.write(formatTable(results) + '\n\n' + formatTable(results, COST_COLUMNS) + '\n');
    progress.note(`results: ${file}`);
    if (report) {
      // Every results file beside this one, so the index and the history keep the earlier runs.
      const { indexPath } = await reportResultsDir(path.dirname(file), DEFAULT_REPORT_DIR);
      progress.note(`report: ${path.resolve(indexPath)} (open it in a browser)`);
    }
    const failed = results.runs.some((r) => r.state === 'errored');
    return failed ? EXIT.failed : EXIT.ok;
  } finally {
    await live?.close();
  }
}
