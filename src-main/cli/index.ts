import { runCli } from './run';
import { exportCommand } from './export';
import { MODEL_COMMANDS, runModelCli } from './predict';

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
