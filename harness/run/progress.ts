/**
 * Progress for humans on stderr: a phase line per transport and, on a terminal, a live bar; elsewhere (a CI log) a
 * line at least every PROGRESS_EVERY_MS with the phase, how far it got and the time elapsed, so a long run shows it
 * is alive. Machines read files.
 */
import type { LiveSample, TransportRun } from '../../results/types.js';

export const PROGRESS_EVERY_MS = 5000;

/** The non-terminal progress line: phase, what it got to, time since the phase began. Exported for tests. */
export function progressLine(s: LiveSample, totalMessages: number, phaseElapsedMs: number): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  const detail =
    s.phase === 'connecting'
      ? `${n(s.connected)}/${n(s.clients)} connected`
      : s.phase === 'publishing' || s.phase === 'draining'
        ? `${n(s.published)}/${n(totalMessages)} published, ${n(Math.round(s.messagesPerS))} msg/s delivered`
        : `${n(s.connected)} connected`;
  return `pushbench: ${s.transport}: ${s.phase}, ${detail}, ${Math.round(phaseElapsedMs / 1000)} s in this phase`;
}

export class Progress {
  private readonly tty: boolean;
  private lastPhase = '';
  private lastLineLength = 0;
  private phaseStartMs = 0;
  private lastLineMs = 0;

  constructor(
    private readonly quiet = false,
    /** Where lines go and whether it is a terminal (tests pass their own). */
    private readonly out: { write(s: string): unknown; isTTY?: boolean } = process.stderr,
  ) {
    this.tty = out.isTTY === true;
  }

  sample(s: LiveSample, totalMessages: number): void {
    if (this.quiet) return;
    const key = `${s.transport}:${s.phase}`;
    if (key !== this.lastPhase) {
      this.lastPhase = key;
      this.phaseStartMs = s.tMs;
      this.lastLineMs = s.tMs;
      if (!this.tty) this.out.write(`pushbench: ${s.transport}: ${s.phase}\n`);
    } else if (!this.tty && s.tMs - this.lastLineMs >= PROGRESS_EVERY_MS - 500) {
      // Samples come about once a second: half a second early keeps the gap at most PROGRESS_EVERY_MS.
      this.lastLineMs = s.tMs;
      this.out.write(progressLine(s, totalMessages, s.tMs - this.phaseStartMs) + '\n');
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
    this.out.write('\r' + line.padEnd(this.lastLineLength));
    this.lastLineLength = line.length;
  }

  done(run: TransportRun): void {
    if (this.quiet) return;
    if (this.tty) this.out.write('\r' + ' '.repeat(this.lastLineLength) + '\r');
    const what = run.state === 'completed' ? `${run.messages.delivered}/${run.messages.expected} delivered, p99 ${run.latencyMs.p99} ms` : `errored: ${run.error}`;
    this.out.write(`pushbench: ${run.transport}${run.repeat ? ` #${run.repeat + 1}` : ''} done: ${what}\n`);
    this.lastLineLength = 0;
  }

  note(text: string): void {
    if (!this.quiet) this.out.write(`pushbench: ${text}\n`);
  }
}
