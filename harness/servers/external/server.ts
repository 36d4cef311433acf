/**
 * `--server external`: a server of the user's that implements docs/contract.md. pushbench either attaches to it
 * (`--server-pid PID`, or nothing: then its CPU and memory are not measured) or starts it (`--server-cmd "CMD"`, run by
 * /bin/sh in a process group of its own, waited for until `--target`'s port accepts, stopped with the group after
 * every transport: no process is left behind). Messages are POSTed to `--publish-url` (default `<target>/publish`).
 */
import { EnvironmentError } from '../../errors.js';
import { processTree } from '../../measure/proc-stats.js';
import type { ServerConfig } from '../../run/ipc.js';
import { Publisher, type ServerDriver } from '../driver.js';
import { startGroup, waitForPort, type Group } from '../process-group.js';
import { parseTarget } from './target.js';

export function createExternalDriver(config: ServerConfig): ServerDriver {
  // Validated before the run started (the same call refused a remote target then); parsed again here for the child.
  const target = parseTarget('--target', config.target!, true);
  const publishUrl = config.publishUrl ?? `${target.base}/publish`;
  let group: Group | null = null;
  let publisher: Publisher | null = null;
  return {
    async start() {
      if (config.serverCmd) {
        group = startGroup(config.serverCmd, [], { shell: true });
        const g = group;
        try {
          await waitForPort(target.host, target.port, 30_000, () => g.process.exitCode === null && g.process.signalCode === null);
        } catch (e) {
          throw new EnvironmentError(`--server-cmd: ${(e as Error).message}${g.stderrTail() ? `: ${g.stderrTail()}` : ''}`);
        }
      } else {
        try {
          await waitForPort(target.host, target.port, 2000);
        } catch {
          throw new EnvironmentError(`nothing accepts connections at ${target.base}; start the server first or give --server-cmd "CMD"`);
        }
      }
      publisher = new Publisher(publishUrl);
      return { host: target.host, port: target.port };
    },
    async publish(_seq, body) {
      const r = await publisher!.post(body);
      if (r.status < 200 || r.status > 299) throw new Error(`${publishUrl} refused a message: HTTP ${r.status} ${r.text.trim().slice(0, 100)}`);
    },
    pids: () => (group ? group.pids() : config.serverPid ? processTree(config.serverPid) : []),
    async stop() {
      publisher?.close();
      await group?.stop();
    },
  };
}
