/** `pushbench run <scenario> [flags]`: measure, write the results file, print the table. */
import path from 'node:path';
import { machineLimits } from '../measure/environment.js';
import { isStopping } from '../run/children.js';
import { EXIT, asUsage } from '../errors.js';
import { formatHelp, wantsHelp } from '../options.js';
import { describePlan, planFor } from '../run/plan.js';
import { Progress } from '../run/progress.js';
import { prepareOutputDir, prepareOutputFile, resultsJson, resultsPath, writeResults, writeResultsFallback } from '../../results/io.js';
import type { ResultsFile } from '../../results/types.js';
import { runScenario } from '../run/runner.js';
import { DEFAULTS, RUN_COMMAND_FLAGS, RUN_FLAGS, listScenarios, parseRunArgs, readScenario } from '../run/scenario.js';
import { COST_COLUMNS, formatTable } from '../../reports/table.js';
import { DEFAULT_REPORT_DIR, reportResultsDir } from './report.js';
import { holdAgainstFloor } from '../measure/floor.js';

export const summary = 'measure transports on the wire: pushbench run <scenario> [flags]';

export function help(): string {
  return formatHelp({
    usage: 'pushbench run <scenario|FILE.json> [options]',
    description:
      'Runs each transport against its own embedded server process with simulated clients in worker processes,\n' +
      'writes one results JSON and prints one row per transport. Options override the scenario file, whose keys\n' +
      "are the options' keys (clients, durationS, ...). A scenario is a name in scenarios/ or a path to a JSON file.",
    table: { ...RUN_FLAGS, ...RUN_COMMAND_FLAGS },
    defaults: DEFAULTS as unknown as Record<string, unknown>,
    // quick first: it is what `npm run bench` runs; the rest (faults-*, scale-*) alphabetically, names aligned.
    sections: [['scenarios:', ...scenarioOrder(listScenarios()).flatMap((n, _, all) => describeScenario(n, Math.max(12, ...all.map((x) => x.length))))].join('\n')],
    examples: [
      'pushbench run quick',
      'pushbench run quick -c 100 -d 5 -t sse,websocket',
      'pushbench run ./my-scenario.json --repeat 5 --json results/mine.json',
      'pushbench run quick -q --json - | jq .runs[0].latencyMs',
    ],
  });
}

function scenarioOrder(names: string[]): string[] {
  return [...names.filter((n) => n === 'quick'), ...names.filter((n) => n !== 'quick')];
}

/** One help line per runnable scenario (a study's file, such as kaazing.json, is not one). */
function describeScenario(name: string, width = 12): string[] {
  try {
    const d = readScenario(name).description ?? '';
    return [`  ${name.padEnd(width)} ${d.length > 90 ? `${d.slice(0, 87)}...` : d}`.trimEnd()];
  } catch {
    return [];
  }
}

export async function main(argv: string[]): Promise<number> {
  if (wantsHelp(argv)) {
    process.stdout.write(help());
    return EXIT.ok;
  }
  const { options, dashboard, report, quiet } = parseRunArgs(argv);
  // With --json - the results own stdout; the tables go to stderr beside the progress.
  const toStdout = options.jsonFile === '-';
  // Every output is resolved, created and test-written before anything starts: a bad path must not cost a run.
  asUsage(() => {
    if (options.jsonFile && !toStdout) prepareOutputFile(options.jsonFile, '--json');
    else if (!toStdout) prepareOutputDir(options.outDir, '--out');
    if (report && !toStdout) prepareOutputDir(DEFAULT_REPORT_DIR, 'the report folder');
  });
  // Refuse a plan the machine cannot hold before printing or starting anything.
  const planned = planFor(options, machineLimits());
  const progress = new Progress(quiet);
  progress.note(describePlan(planned.plan, options.clients, planned.limits, options));
  const messages = Math.max(1, Math.round(options.rate * options.durationS));
  progress.note(
    `scenario ${options.scenario}: ${options.transports.join(', ')}; ${options.clients} clients, ${options.rate} msg/s of ${options.payloadBytes} B for ${options.durationS} s, profile ${options.profile}` +
      (options.warmupS ? `, latency from second ${options.warmupS} on (warm-up)` : '') +
      (options.repeat > 1 ? `, ${options.repeat} repeats` : ''),
  );
  const live = dashboard ? await (await import('../../dashboards/server.js')).startDashboard({ port: 0 }) : null;
  if (live) progress.note(`live dashboard: ${live.url} (OpenMetrics: ${live.url}metrics)`);
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
    const tables = formatTable(results) + '\n\n' + formatTable(results, COST_COLUMNS) + '\n';
    if (toStdout) {
      process.stderr.write(tables);
      process.stdout.write(resultsJson(results));
    } else {
      process.stdout.write(tables);
      const file = saveResults(results, resultsPath(options, results.startedAt), progress);
      if (file === null) return EXIT.environment;
      progress.note(`results: ${file}`);
      if (report) {
        try {
          // Every results file beside this one, so the index and the history keep the earlier runs.
          const { indexPath } = await reportResultsDir(path.dirname(file), DEFAULT_REPORT_DIR);
          progress.note(`report: ${path.resolve(indexPath)} (open it in a browser)`);
        } catch (e) {
          if (isStopping()) return EXIT.interrupted;
          progress.note(`report: could not write ${DEFAULT_REPORT_DIR} (${(e as Error).message}); the results are in ${file}: pushbench report ${file}`);
          return EXIT.environment;
        }
      }
    }
    const failed = results.runs.some((r) => r.state === 'errored');
    return failed ? EXIT.failed : EXIT.ok;
  } finally {
    await live?.close();
  }
}

/**
 * Writes a finished run's results where asked; if that fails anyway (the disk filled, the folder went away), into
 * the system temp folder, saying where. Returns the path written, or null when even that failed.
 */
export function saveResults(results: ResultsFile, file: string, progress: { note(text: string): void }): string | null {
  try {
    writeResults(results, file);
    return file;
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    try {
      const fallback = writeResultsFallback(results, file);
      progress.note(`results: could not write ${file} (${why}); the results are in ${fallback} instead`);
    } catch (e2) {
      progress.note(`results: could not write ${file} (${why}) nor a copy in the temp folder (${(e2 as NodeJS.ErrnoException).code ?? (e2 as Error).message})`);
    }
    return null;
  }
}
