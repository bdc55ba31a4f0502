/**
 * Output that nobody reads any more ends the command quietly: when the reader
 * of a pipe goes away (`switchboard report | head`), writing fails with EPIPE,
 * and the command exits 0 as Unix tools do, instead of crashing with a stack
 * trace. Installed once, for both standard output and standard error.
 */
export function endQuietlyWhenTheReaderGoesAway(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
      // Some other failure of the output itself: say so on the stream that still works, if any.
      if (stream !== process.stderr) process.stderr.write(`switchboard: cannot write the output: ${err.message}\n`);
      process.exit(1);
    });
  }
}
