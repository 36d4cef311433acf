import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The package root, whether running from dist/harness/ (compiled) or harness/ (sources). */
export const packageRoot: string = (() => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.basename(path.dirname(here)) === 'dist' ? path.resolve(here, '../..') : path.resolve(here, '..');
})();

export const scenariosDir = path.join(packageRoot, 'scenarios');
export const profilesDir = path.join(scenariosDir, 'profiles');
/** Studies: data for a command of their own (`pushbench kaazing`), not options of `pushbench run`. */
export const studiesDir = path.join(scenariosDir, 'studies');
/** Compiled JavaScript of the harness, which child processes run. */
export const distHarnessDir = path.join(packageRoot, 'dist', 'harness');
