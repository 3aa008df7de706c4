import { UserError } from '../../src-main/common/errors';

/** The UserError thrown by `fn`; anything else it throws is rethrown, and not throwing at all is a failure. */
export function userErrorOf(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error('expected a UserError');
}

/** The UserError that `p` (or the promise `p()` returns) rejects with; same contract as `userErrorOf`. */
export async function userErrorOfAsync(p: Promise<unknown> | (() => Promise<unknown>)): Promise<UserError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error('expected a UserError');
}

/** The BAD_INPUT error `fn` throws, checked to be one line that starts with the file's name. */
export function oneLineRefusal(fn: () => unknown, file: string): UserError {
  const err = userErrorOf(fn);
  if (err.code !== 'BAD_INPUT' || err.file !== file || !err.message.startsWith(`${file}: `) || err.message.includes('\n')) {
    throw new Error(`expected a one-line BAD_INPUT naming ${file}, got ${err.code}: ${err.message}`);
  }
  return err;
}
