import type { Channel, EventName } from './contract';

/**
 * Channel and event names as plain data, so the preload can build `window.api` without
 * bundling zod and the schemas. `test/services/session.test.ts` checks the list equals the
 * contract's keys; the `satisfies` below checks every name is a real channel.
 */
export const CHANNELS = [
  'app:info',
  'project:current',
  'project:recent',
  'project:create',
  'project:open',
  'project:openRecent',
  'project:openDemo',
  'project:close',
  'datasets:list',
  'datasets:get',
  'datasets:import',
  'jobs:cancel',
  'datasets:rename',
  'datasets:delete',
  'datasets:samples',
  'datasets:spectra',
  'datasets:classStats',
  'datasets:channels',
  'datasets:join',
  'labels:set',
  'labels:renameClass',
  'labels:setSplit',
  'pipelines:list',
  'pipelines:save',
  'pipelines:delete',
  'datasets:applyRecipe',
  'datasets:axisPlan',
  'datasets:harmonise',
  'columns:setKind',
  'runs:start',
  'runs:cancel',
  'runs:optimize',
  'runs:check',
  'runs:list',
  'runs:get',
  'runs:transfers',
  'runs:transfer',
  'runs:delete',
  'runs:export',
  'predict:files',
  'predict:dataset',
  'runs:firstLayer',
  'runs:interpret',
  'runs:reconstructions',
  'models:summary',
  'maps:image',
  'maps:prediction',
  'maps:bandCopy',
] as const satisfies readonly Channel[];

export const EVENT_NAMES = ['imports:progress', 'recipes:progress', 'project:changed', 'menu:command', 'files:dropped', 'runs:progress', 'runs:exportProgress', 'predict:progress', 'runs:transferProgress', 'maps:progress'] as const satisfies readonly EventName[];
