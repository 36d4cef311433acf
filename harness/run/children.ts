/**
 * Child processes of a run: started from compiled JavaScript (no TypeScript loader in the children), watched, and
 * always killed when the run ends, fails or is interrupted.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { distHarnessDir } from '../paths.js';

const live = new Set<ChildProcess>();
/** Set once the harness is shutting down (Ctrl-C): no new child starts and no result is written. */
let stopping = false;

export function isStopping(): boolean {
  return stopping;
}

export interface Child<In, Out> {
  process: ChildProcess;
  send(msg: In): void;
  /** Resolves with the first message of `type` (or one of `types`); rejects on a 'fatal' message, exit or timeout. */
  next<T extends Out & { type: string }>(type: T['type'] | Array<T['type']>, timeoutMs: number): Promise<T>;
  on(handler: (msg: Out) => void): void;
  /** Last lines the child wrote to stderr, for error messages. */
  stderrTail(): string;
}

export class ChildFailure extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** How a child ended, for messages: "sse server (pid 123) was killed by SIGKILL". */
export function describeExit(role: string, pid: number | undefined, code: number | null, signal: NodeJS.Signals | null): string {
  return `${role} (pid ${pid ?? '?'}) ${signal ? `was killed by ${signal}` : `exited with code ${code}`}`;
}

/**
 * The children of one measurement. Until `settle()` (the run is closing them on purpose) the death of any of them
 * fails everything the run waits for, at once, whichever child it waits on: a dead worker must not leave the run
 * waiting for the server's 'published', nor a dead server for the workers' 'done'. A child the run kills on purpose
 * while the others carry on (the server-restart fault) is announced first with `expectExit`.
 */
export class ChildScope {
  private failure: ChildFailure | null = null;
  private readonly listeners = new Set<(err: ChildFailure) => void>();
  private settled = false;
  private readonly expected = new WeakSet<ChildProcess>();

  /** From now on children exit because the run closes them. */
  settle(): void {
    this.settled = true;
  }

  /** The run is about to stop `proc` on purpose: its exit fails nothing (waits on `proc` itself still end). */
  expectExit(proc: ChildProcess): void {
    this.expected.add(proc);
  }

  /** The first unexpected death, if any. */
  get failed(): ChildFailure | null {
    return this.failure;
  }

  /** `proc`: the child that exited; one announced with `expectExit` is no failure. */
  died(err: ChildFailure, proc?: ChildProcess): void {
    if (this.settled || this.failure || (proc && this.expected.has(proc))) return;
    this.failure = err;
    for (const l of [...this.listeners]) l(err);
  }

  /** Calls `l` on the first unexpected death; returns the unsubscribe. */
  onFailure(l: (err: ChildFailure) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
}

/**
 * Puts a process pushbench started by other means (fork of a load generator) under the same care as spawnChild's:
 * killed by killAll on every exit path (error, Ctrl-C), and counted by liveChildren.
 */
export function adopt(proc: ChildProcess): void {
  if (stopping) {
    proc.kill('SIGKILL');
    return;
  }
  live.add(proc);
  proc.once('exit', () => live.delete(proc));
}

/** Extra Node flags for the children, from PUSHBENCH_CHILD_NODE_ARGS (space-separated). */
export function childNodeArgs(): string[] {
  return (process.env.PUSHBENCH_CHILD_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
}

/**
 * Node flags of the processes that receive the load (client workers, floor receivers); servers run with Node's
 * defaults, as deployed. V8's memory reducer starts full collections when a process looks idle, and a receiver at 1
 * message/s looks idle between reads: with a 10,000-client heap each collection marks every client. Without it, the
 * client workers measured 1.5 to 23% less CPU per message than with it, in each of six pairs of 10,000-client runs
 * (WebSocket and SSE, alternating, docs/scale.md "Where the distance is"); their memory per connection is read after an
 * explicit full collection either way.
 */
export const RECEIVER_NODE_ARGS: readonly string[] = ['--no-memory-reducer'];

export function spawnChild<In, Out extends { type: string }>(
  entry: 'server-process' | 'client-worker' | 'floor-child',
  role: string,
  scope?: ChildScope,
  nodeArgs: readonly string[] = [],
): Child<In, Out> {
  if (stopping) throw new ChildFailure('interrupted', 'INTERRUPTED');
  const proc = fork(path.join(distHarnessDir, "run", `${entry}.js`), [], {
    // --expose-gc: memory per connection is read after a full collection, not whenever V8 last collected.
    // PUSHBENCH_CHILD_NODE_ARGS adds Node flags to every child, e.g. "--cpu-prof --cpu-prof-dir=prof" to profile them.
    execArgv: ['--expose-gc', ...nodeArgs, ...childNodeArgs()],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  live.add(proc);
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const handlers: Array<(msg: Out) => void> = [];
  proc.on('message', (m) => handlers.forEach((h) => h(m as Out)));
  let exitError: ChildFailure | null = null;
  proc.once('exit', (code, signal) => {
    live.delete(proc);
    const tail = stderr.trim().split('\n').slice(-3).join(' | ');
    exitError = new ChildFailure(`${describeExit(role, proc.pid, code, signal)}${tail ? `: ${tail}` : ''}`, 'CHILD_EXITED');
    scope?.died(exitError, proc);
  });
  const child: Child<In, Out> = {
    process: proc,
    send: (msg) => {
      if (proc.connected) proc.send(msg as object);
    },
    on: (h) => handlers.push(h),
    stderrTail: () => stderr.trim().split('\n').slice(-3).join(' | '),
    next: (type, timeoutMs) =>
      new Promise((resolve, reject) => {
        const types = Array.isArray(type) ? type : [type];
        const waiting = `while the harness waited for ${role}'s "${types.join('/')}"`;
        // A child that is already gone, or a sibling that died, fails the wait now, not at its timeout.
        if (exitError) return reject(new ChildFailure(`${exitError.message} ${waiting}`, exitError.code));
        if (scope?.failed) return reject(new ChildFailure(`${scope.failed.message} ${waiting}`, scope.failed.code));
        let unsubscribe = (): void => {};
        const cleanup = (): void => {
          clearTimeout(timer);
          const i = handlers.indexOf(onMsg);
          if (i >= 0) handlers.splice(i, 1);
          proc.off('exit', onExit);
          unsubscribe();
        };
        const onMsg = (m: Out): void => {
          if (types.includes(m.type)) {
            cleanup();
            resolve(m as never);
          } else if (m.type === 'fatal') {
            cleanup();
            const f = m as unknown as { message: string; code?: string };
            reject(new ChildFailure(`${role}: ${f.message}`, f.code));
          }
        };
        const onExit = (): void => {
          cleanup();
          const err = exitError ?? new ChildFailure(`${role} (pid ${proc.pid ?? '?'}) exited`, 'CHILD_EXITED');
          reject(new ChildFailure(`${err.message} ${waiting}`, err.code));
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new ChildFailure(`${role} did not answer "${types.join('/')}" within ${Math.round(timeoutMs / 1000)} s`, 'TIMEOUT'));
        }, timeoutMs);
        handlers.push(onMsg);
        // Registered after spawnChild's own exit listener, so exitError is set when this runs.
        proc.once('exit', onExit);
        if (scope) {
          unsubscribe = scope.onFailure((err) => {
            cleanup();
            reject(new ChildFailure(`${err.message} ${waiting}`, err.code));
          });
        }
      }),
  };
  return child;
}

/** Kills every child still alive; safe to call more than once, and from signal handlers. */
export function killAll(): void {
  for (const p of [...live]) {
    try {
      p.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

/** Kills every child and waits (briefly) until the kernel has reaped them, so none outlives the harness. */
export async function killAllAndWait(timeoutMs = 2000): Promise<void> {
  stopping = true;
  const procs = [...live];
  killAll();
  await reap(procs, timeoutMs);
  live.clear();
}

/** Waits until the given children have exited (or kills them after `timeoutMs`). */
export async function reap(children: ChildProcess[], timeoutMs: number): Promise<void> {
  await Promise.all(
    children.map(
      (p) =>
        new Promise<void>((resolve) => {
          if (p.exitCode !== null || p.signalCode !== null) return resolve();
          const t = setTimeout(() => {
            p.kill('SIGKILL');
          }, timeoutMs);
          p.once('exit', () => {
            clearTimeout(t);
            resolve();
          });
        }),
    ),
  );
}
