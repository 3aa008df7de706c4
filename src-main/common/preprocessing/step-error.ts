import { UserError } from '../errors';

/** A `BAD_INPUT` error from a preprocessing step; the message starts with the step kind. */
export function stepError(kind: string, field: string, message: string): UserError {
  return new UserError('BAD_INPUT', `${kind}: ${message}`, { field });
}
