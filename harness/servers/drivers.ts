/** The server child's entry for the kinds pushbench drives but does not host: the driver, its IPC, its stop. */
import type { FromServer, ServerConfig, ToServer } from '../run/ipc.js';
import { driveOverIpc, type ServerDriver } from './driver.js';
import { createExternalDriver } from './external/server.js';
import { createNchanDriver } from './nchan/server.js';

export function createDriver(config: ServerConfig, send: (msg: FromServer) => void): (msg: ToServer) => void {
  const driver: ServerDriver = config.server === 'nchan' ? createNchanDriver(config) : createExternalDriver(config);
  // The harness stops the server child with SIGTERM: stop the server gracefully first (SIGTERM to its group, SIGKILL
  // after a grace period), instead of the cluster handling the embedded servers need. Exit handlers SIGKILL the group
  // in any case, and a watchdog does if this process is killed outright.
  process.removeAllListeners('SIGTERM');
  process.once('SIGTERM', () => {
    void driver.stop().finally(() => process.exit(0));
  });
  return driveOverIpc(driver, config, send);
}
