/**
 * A server process pushbench starts but did not write (nginx, a user's server): started in a process group of its
 * own, so every process it forks (nginx's workers, a shell's child) is measured and stopped together, and watched by
 * a tiny shell that kills the group if the pushbench process that started it dies without stopping it (SIGKILL
 * leaves no exit handler a chance). No process is left behind either way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { processGroup } from '../measure/proc-stats.js';

export interface Group {
  /** The leader's PID, which is also the group's id. */
  pid: number;
  process: ChildProcess;
  /** Every process of the group now. */
  pids(): number[];
  /** Last lines it wrote to stderr. */
  stderrTail(): string;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves once the leader has exited. */
  stop(graceMs?: number): Promise<void>;
}

export function startGroup(command: string, args: string[], options: { shell?: boolean; cwd?: string } = {}): Group {
  const child = options.shell
    ? spawn('/bin/sh', ['-c', command], { detached: true, stdio: ['ignore', 'ignore', 'pipe'], cwd: options.cwd })
    : spawn(command, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'], cwd: options.cwd });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  const pgid = child.pid;
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  // The watchdog: while this process lives it sleeps; once it is gone, the group goes too.
  const watchdog = spawn('/bin/sh', ['-c', `while kill -0 ${process.pid} 2>/dev/null; do sleep 0.5; done; kill -KILL -${pgid} 2>/dev/null`], {
    detached: true,
    stdio: 'ignore',
  });
  watchdog.unref();
  const killGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pgid, signal);
    } catch {
      /* already gone */
    }
  };
  process.once('exit', () => {
    killGroup('SIGKILL');
    try {
      if (watchdog.pid) process.kill(watchdog.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    pid: pgid,
    process: child,
    pids: () => processGroup(pgid),
    stderrTail: () => stderr.trim().split('\n').slice(-3).join(' | '),
    async stop(graceMs = 3000) {
      killGroup('SIGTERM');
      const timer = setTimeout(() => killGroup('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      // The leader may exit before its children (a shell, nginx's workers finishing): none may outlive the run.
      killGroup('SIGKILL');
      try {
        if (watchdog.pid) process.kill(watchdog.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    },
  };
}

/** Resolves once `host:port` accepts a TCP connection; rejects after `timeoutMs` or when `alive()` turns false. */
export async function waitForPort(host: string, port: number, timeoutMs: number, alive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host, port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (!alive()) throw new Error(`the server exited before ${host}:${port} accepted a connection`);
    if (Date.now() > deadline) throw new Error(`nothing accepted connections on ${host}:${port} within ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
