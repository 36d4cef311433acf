/** Progress for humans on stderr: a phase line per transport and, on a terminal, a live bar. Machines read files. */
import type { LiveSample, TransportRun } from '../../results/types.js';

export class Progress {
  private readonly tty = process.stderr.isTTY === true;
  private lastPhase = '';
  private lastLineLength = 0;

  constructor(private readonly quiet = false) {}

  sample(s: LiveSample, totalMessages: number): void {
    if (this.quiet) return;
    const key = `${s.transport}:${s.phase}`;
    if (key !== this.lastPhase) {
      this.lastPhase = key;
      if (!this.tty) process.stderr.write(`pushbench: ${s.transport}: ${s.phase}\n`);
    }
    if (!this.tty) return;
    const width = 24;
    let fraction = 0;
    let detail = '';
    if (s.phase === 'connecting') {
      fraction = s.connected / s.clients;
      detail = `${s.connected}/${s.clients} connected`;
    } else if (s.phase === 'publishing' || s.phase === 'draining') {
      fraction = totalMessages > 0 ? s.published / totalMessages : 0;
      detail = `${s.published}/${totalMessages} published, ${Math.round(s.messagesPerS)} msg/s received` + (s.latencyMs ? `, p99 ${s.latencyMs.p99.toFixed(1)} ms` : '');
    }
    const filled = Math.round(Math.min(1, fraction) * width);
    const line = `${s.transport.padEnd(14)} ${s.phase.padEnd(10)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${detail}`;
    process.stderr.write('\r' + line.padEnd(this.lastLineLength));
    this.lastLineLength = line.length;
  }

  done(run: TransportRun): void {
    if (this.quiet) return;
    if (this.tty) process.stderr.write('\r' + ' '.repeat(this.lastLineLength) + '\r');
    const what = run.state === 'completed' ? `${run.messages.delivered}/${run.messages.expected} delivered, p99 ${run.latencyMs.p99} ms` : `errored: ${run.error}`;
    process.stderr.write(`pushbench: ${run.transport}${run.repeat ? ` #${run.repeat + 1}` : ''} done: ${what}\n`);
    this.lastLineLength = 0;
  }

  note(text: string): void {
    if (!this.quiet) process.stderr.write(`pushbench: ${text}\n`);
  }
}
