import { migration001 } from './001-initial';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Every migration, in order; `version` equals its position + 1. */
export const MIGRATIONS: readonly Migration[] = [migration001];

export const SCHEMA_VERSION = MIGRATIONS.length;
