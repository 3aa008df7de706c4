import { runCli } from './run';
import { exportCommand } from './export';

const argv = process.argv.slice(2);
const streams = { stdout: process.stdout, stderr: process.stderr };
(argv[0] === 'export' ? exportCommand(argv.slice(1), streams) : runCli(argv, streams)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`spectra-desk: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 70;
  },
);
