import { migration001 } from './001-initial';
import { migration002 } from './002-derived-datasets';
import { migration003 } from './003-fold-runs';
import { migration004 } from './004-run-liveness';
import { migration005 } from './005-load-indexes';
import { migration006 } from './006-channel-axes';
import { migration007 } from './007-map-bands';
import { migration008 } from './008-column-units';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Every migration, in order; `version` equals its position + 1. */
export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003, migration004, migration005, migration006, migration007, migration008];

export const SCHEMA_VERSION = MIGRATIONS.length;
