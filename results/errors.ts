/**
 * Errors of the results module. results/ imports nothing from harness/: the command line maps these to its exit
 * codes (harness/errors.ts `exitCodeOf`): input and output-path problems are usage errors (2).
 */

/** A file that cannot be read as the record it should be: one line naming the file and the field. */
export class ResultsInputError extends Error {
  override name = 'ResultsInputError';
  constructor(
    message: string,
    /** The file, as given. */
    readonly file: string | null = null,
    /** Dotted path of the field at fault (`runs[2].messages.lost`), when one is. */
    readonly field: string | null = null,
  ) {
    super(message);
  }
}

/** An output path that cannot be written (a directory, a read-only or impossible place); found before a run starts. */
export class OutputPathError extends Error {
  override name = 'OutputPathError';
}
