/** What a command needs from the process, injected so tests can run commands in-process. */
export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Binary output to stdout (`-` as an output file); resolves once written. */
  stdoutBytes(bytes: Uint8Array): Promise<void>;
  /**
   * A status line that replaces the previous one (`\r`), for long writes; present only when
   * stderr is a terminal. `progress("")` clears it.
   */
  progress?(line: string): void;
  /** Where relative paths on the command line resolve. */
  readonly cwd: string;
  /** All of standard input (tests inject it; the CLI reads process.stdin when absent). */
  readonly stdin?: () => Promise<string>;
}

/** Bad input: usage, an unreadable file, an unparsable layout. Exit code 2 with a one-line error. */
export class UsageError extends Error {}

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_BAD_INPUT = 2;

export type Command = (args: string[], io: Io) => Promise<number>;
