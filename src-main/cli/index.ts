import { runCli } from './run';
import { exportCommand } from './export';
import { MODEL_COMMANDS, runModelCli } from './predict';

/**
 * A reader that stops early (`spectra-desk list | head -1`) has all it wanted: the command ends
 * at once, with the exit code it has by then, instead of an EPIPE stack trace. Any other write
 * error ends it with a one-line message where one can still be written.
 */
function endOnWriteError(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    try {
      process.stderr.write(`spectra-desk: cannot write the output: ${err.message}\n`);
    } finally {
      process.exit(74);
    }
  });
}
endOnWriteError(process.stdout);
endOnWriteError(process.stderr);

const argv = process.argv.slice(2);
const streams = { stdout: process.stdout, stderr: process.stderr };
const modelCommand = (MODEL_COMMANDS as readonly string[]).includes(argv[0] ?? '');
(argv[0] === 'export' ? exportCommand(argv.slice(1), streams) : modelCommand ? runModelCli(argv, streams) : runCli(argv, streams)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`spectra-desk: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 70;
  },
);
