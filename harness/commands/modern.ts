/**
 * `pushbench modern [scenario] [run flags]`: the 2026 matrix. Every transport measured twice in one go, in clear text
 * (HTTP/1.1) and over TLS 1.3, each into its own results file; the TLS runs carry what TLS cost per message on each
 * side (CPU per message over TLS minus in clear text, same transport and repeat), and one table shows both.
 * HTTP/2 is not part of it yet (README.md says why).
 */
import path from 'node:path';
import { machineLimits } from '../measure/environment.js';
import { isStopping } from '../run/children.js';
import { EXIT, UsageError } from '../errors.js';
import { describePlan, planFor } from '../run/plan.js';
import { Progress } from '../run/progress.js';
import { resultsPath, writeResults } from '../../results/io.js';
import { runScenario } from '../run/runner.js';
import { parseRunArgs } from '../run/scenario.js';
import { COST_COLUMNS, formatTable } from '../../reports/table.js';
import { holdAgainstFloor } from '../measure/floor.js';
import type { ResultsFile } from '../../results/types.js';
import { help as runHelp } from './run.js';

export const summary = 'the 2026 matrix: every transport in clear text and over TLS, with TLS CPU per message';

/**
 * Sets `tlsCost` on every completed TLS run that has a completed clear-text twin (same transport and repeat):
 * microseconds of CPU per delivered message over TLS minus in clear text, server and client workers. Exported for tests.
 */
export function attachTlsCost(clear: ResultsFile, tls: ResultsFile, clearFile: string): void {
  for (const run of tls.runs) {
    if (run.state !== 'completed' || !run.transportOptions.tls) continue;
    const twin = clear.runs.find((r) => r.state === 'completed' && r.transport === run.transport && r.repeat === run.repeat && !r.transportOptions.tls);
    if (!twin || twin.state !== 'completed' || run.messages.delivered === 0 || twin.messages.delivered === 0) continue;
    const us = (cpuS: number, delivered: number): number => (cpuS / delivered) * 1e6;
    const round = (n: number): number => Math.round(n * 100) / 100;
    run.tlsCost = {
      clearFile,
      serverCpuUsPerMessage: round(us(run.server.cpuSeconds, run.messages.delivered) - us(twin.server.cpuSeconds, twin.messages.delivered)),
      clientCpuUsPerMessage: round(us(run.clientWorkers.cpuSeconds, run.messages.delivered) - us(twin.clientWorkers.cpuSeconds, twin.messages.delivered)),
    };
  }
}

export async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    const flags = runHelp()
      .split('\n')
      .filter((l) => /^\s+-/.test(l) && !/--tls\b|--json\b|--dashboard\b/.test(l));
    process.stdout.write(
      [
        'usage: pushbench modern [scenario] [run flags]        (scenario: web-2026 unless named)',
        '',
        'Measures every transport of the scenario twice, in clear text (HTTP/1.1) and over TLS 1.3, into two results',
        'files in --out, sets on each TLS run the CPU per message TLS cost on each side (runs[].tlsCost) and prints',
        'both tables. Takes the flags of pushbench run except --tls and --json:',
        '',
        ...flags,
      ].join('\n') + '\n',
    );
    return EXIT.ok;
  }
  if (argv.includes('--tls') || argv.includes('--no-tls')) throw new UsageError('pushbench modern measures both clear text and TLS itself; leave out --tls');
  const args = argv[0] && !argv[0].startsWith('--') ? argv : ['web-2026', ...argv];
  const { options, report } = parseRunArgs(args);
  if (options.jsonFile) throw new UsageError('pushbench modern writes two results files (clear text and TLS); give a folder with --out DIR instead of --json');
  const planned = planFor(options, machineLimits());
  const progress = new Progress();
  progress.note(describePlan(planned.plan, options.clients, planned.limits));
  const messages = Math.max(1, Math.round(options.rate * options.durationS));
  const files: string[] = [];
  const results: ResultsFile[] = [];
  for (const tls of [false, true]) {
    const o = { ...options, tls };
    progress.note(`${o.scenario} ${tls ? 'over TLS 1.3' : 'in clear text'}: ${o.transports.join(', ')}; ${o.clients} clients, profile ${o.profile}`);
    const r = await runScenario(o, { onSample: (s) => progress.sample(s, messages), onTransportDone: (run) => progress.done(run) }, planned);
    if (isStopping()) return EXIT.interrupted;
    await holdAgainstFloor(r, o, planned.plan, progress);
    results.push(r);
    // Two runs in one second would share a file name: the TLS file says what it is.
    files.push(resultsPath({ ...o, scenario: tls ? `${o.scenario}-tls` : o.scenario }, r.startedAt));
  }
  attachTlsCost(results[0]!, results[1]!, path.basename(files[0]!));
  results.forEach((r, i) => writeResults(r, files[i]!));
  const both: ResultsFile = { ...results[1]!, runs: [...results[0]!.runs, ...results[1]!.runs] };
  process.stdout.write(formatTable(both) + '\n\n' + formatTable(both, COST_COLUMNS) + '\n');
  for (const f of files) progress.note(`results: ${f}`);
  if (report) {
    const { writeReport } = await import('../../reports/site.js');
    const { DEFAULT_REPORT_DIR } = await import('./report.js');
    const { indexPath } = await writeReport(files, DEFAULT_REPORT_DIR);
    progress.note(`report: ${path.resolve(indexPath)}`);
  }
  return [...results[0]!.runs, ...results[1]!.runs].some((r) => r.state === 'errored') ? EXIT.failed : EXIT.ok;
}
