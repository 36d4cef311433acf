/** Shared by tests: run a command's main in-process with stdout and stderr captured. Not a test file. */

export interface Captured {
  code: number | null;
  error: unknown;
  out: string;
  err: string;
}

export async function capture(fn: (argv: string[]) => Promise<number>, argv: string[]): Promise<Captured> {
  let out = '';
  let err = '';
  const write = process.stdout.write;
  const writeErr = process.stderr.write;
  process.stdout.write = ((chunk: string) => ((out += chunk), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => ((err += chunk), true)) as typeof process.stderr.write;
  try {
    return { code: await fn(argv), error: null, out, err };
  } catch (error) {
    return { code: null, error, out, err };
  } finally {
    process.stdout.write = write;
    process.stderr.write = writeErr;
  }
}
