/** A stream the CLI writes its results or messages to. */
export interface CliOutput {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

/**
 * Wraps stdout or stderr so that a reader going away (`paperboy export … | head -1`) ends the output
 * quietly: Node reports the closed pipe as an `EPIPE` error event, which, unhandled, would crash the
 * process with a stack trace. Later writes go nowhere and the command finishes its work (an ingest still
 * stores what it read), so its exit code is still its own. Any other stream error stays fatal.
 */
export function quietWhenClosed(stream: NodeJS.WriteStream): CliOutput {
  let closed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    closed = true;
  });
  return {
    write: (chunk: string) => closed || stream.write(chunk),
    get isTTY() {
      return stream.isTTY;
    },
  };
}
