import fs from 'node:fs';
import path from 'node:path';

/** One log line: ISO time, where it came from, and the stack (or the value) of what was thrown. */
export function describeError(origin: string, err: unknown, now: Date = new Date()): string {
  const detail = err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : typeof err === 'string' ? err : safeJson(err);
  return `${now.toISOString()} [${origin}] ${detail}`;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export interface CrashReporterDeps {
  /** Log file (in the app's logs folder); appended to, never truncated. */
  logFile: () => string;
  /** Shows the problem to the user (a native error box). */
  show: (title: string, message: string) => void;
}

/**
 * Makes failures in the main process visible: logged to a file and stderr, then shown in a
 * dialog — never a silent exit. Showing is rate-limited so a failing timer cannot bury the
 * user in dialogs.
 */
export function createCrashReporter({ logFile, show }: CrashReporterDeps) {
  let lastShownMs = 0;
  return function report(origin: string, err: unknown): void {
    const line = describeError(origin, err);
    console.error(line);
    let logged = '';
    try {
      const file = logFile();
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.appendFileSync(file, `${line}\n`);
      logged = `\n\nDetails were written to ${file}.`;
    } catch {
      // The log folder is not writable: the dialog and stderr still tell the user.
    }
    const nowMs = Date.now();
    if (nowMs - lastShownMs < 2000) return;
    lastShownMs = nowMs;
    const message = err instanceof Error ? err.message : String(err);
    try {
      show('Spectra Desk ran into a problem', `${message}${logged}\n\nIf this keeps happening, restart Spectra Desk and send the log file to the developers.`);
    } catch {
      // Nothing more we can do: it is already logged.
    }
  };
}
