/**
 * `pushbench modern [scenario] [run flags]`: the 2026 matrix. Every transport measured twice in one go, in clear text
 * (HTTP/1.1) and over TLS 1.3, each into its own results file; the TLS runs carry what TLS cost per message on each
 * side (CPU per message over TLS minus in clear text, same transport and repeat), and one table shows both.
 * A third pass measures every transport over HTTP/2 and TLS (`--protocol h2`; WebSocket by RFC 8441).
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

export const summary = 'the 2026 matrix: every transport in clear text, over TLS and over HTTP/2 + TLS, with TLS CPU per message';

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
      .filter((l) => /^\s+-/.test(l) && !/--tls\b|--protocol\b|--json\b|--dashboard\b/.test(l));
    process.stdout.write(
      [
        'usage: pushbench modern [scenario] [run flags]        (scenario: web-2026 unless named)',
        '',
        'Measures every transport of the scenario in clear text (HTTP/1.1), over TLS 1.3 and over HTTP/2 + TLS 1.3',
        '(not with --permessage-deflate) into three results files in --out; sets on each HTTP/1.1 TLS run the CPU per',
        'message TLS cost on each side (runs[].tlsCost) and prints both tables. Takes the flags of pushbench run',
        'except --tls, --protocol and --json:',
        '',
        ...flags,
      ].join('\n') + '\n',
    );
    return EXIT.ok;
  }
  if (argv.includes('--tls') || argv.includes('--no-tls')) throw new UsageError('pushbench modern measures both clear text and TLS itself; leave out --tls');
  if (argv.some((a) => a === '--protocol' || a.startsWith('--protocol='))) throw new UsageError('pushbench modern measures HTTP/1.1 and HTTP/2 itself; leave out --protocol');
  const args = argv[0] && !argv[0].startsWith('-') ? argv : ['web-2026', ...argv];
  const { options, report } = parseRunArgs(args);
  if (options.jsonFile) throw new UsageError('pushbench modern writes three results files (clear text, TLS, HTTP/2); give a folder with --out DIR instead of --json');
  const planned = planFor(options, machineLimits());
  const progress = new Progress();
  progress.note(describePlan(planned.plan, options.clients, planned.limits));
  const messages = Math.max(1, Math.round(options.rate * options.durationS));
  const files: string[] = [];
  const results: ResultsFile[] = [];
  const passes: Array<{ tls: boolean; protocol: 'h1' | 'h2'; suffix: string; label: string }> = [
    { tls: false, protocol: 'h1', suffix: '', label: 'in clear text' },
    { tls: true, protocol: 'h1', suffix: '-tls', label: 'over TLS 1.3' },
    // WebSocket over HTTP/2 is RFC 8441's extended CONNECT, which has no permessage-deflate here.
    ...(options.perMessageDeflate ? [] : [{ tls: true, protocol: 'h2' as const, suffix: '-h2', label: 'over HTTP/2 + TLS 1.3' }]),
  ];
  for (const pass of passes) {
    const o = { ...options, tls: pass.tls, protocol: pass.protocol };
    progress.note(`${o.scenario} ${pass.label}: ${o.transports.join(', ')}; ${o.clients} clients, profile ${o.profile}`);
    const r = await runScenario(o, { onSample: (s) => progress.sample(s, messages), onTransportDone: (run) => progress.done(run) }, planned);
    if (isStopping()) return EXIT.interrupted;
    await holdAgainstFloor(r, o, planned.plan, progress);
    results.push(r);
    // Runs in one second would share a file name: each file says what it is.
    files.push(resultsPath({ ...o, scenario: `${o.scenario}${pass.suffix}` }, r.startedAt));
  }
  attachTlsCost(results[0]!, results[1]!, path.basename(files[0]!));
  results.forEach((r, i) => writeResults(r, files[i]!));
  const all: ResultsFile = { ...results[1]!, runs: results.flatMap((r) => r.runs) };
  process.stdout.write(formatTable(all) + '\n\n' + formatTable(all, COST_COLUMNS) + '\n');
  for (const f of files) progress.note(`results: ${f}`);
  if (report) {
    const { writeReport } = await import('../../reports/site.js');
    const { DEFAULT_REPORT_DIR } = await import('./report.js');
    const { indexPath } = await writeReport(files, DEFAULT_REPORT_DIR);
    progress.note(`report: ${path.resolve(indexPath)}`);
  }
  return results.some((r) => r.runs.some((run) => run.state === 'errored')) ? EXIT.failed : EXIT.ok;
}
