import fs from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The repository's own eslint.config.mjs, run on source text placed at a path in the tree: the
// rules are checked where they apply, not on a copy of the config.
const root = path.resolve(__dirname, '../..');
const eslint = new ESLint({ cwd: root });

async function lint(file: string, code: string): Promise<{ rule: string | null; message: string }[]> {
  const [result] = await eslint.lintText(code, { filePath: file });
  return result!.messages.map((m) => ({ rule: m.ruleId, message: m.message }));
}

const component = (script: string): string => `<script lang="ts">\n${script}\n</script>\n\n<p>{value}</p>\n`;

describe('lint: the renderer layer', () => {
  it('reports a component that imports src-main/db', async () => {
    const messages = await lint('src-renderer/src/components/runs/Probe.svelte', component("import { openProject } from '../../../../src-main/db/connection';\nconst value = openProject;"));
    expect(messages).toEqual([
      {
        rule: 'no-restricted-imports',
        message: expect.stringContaining('The renderer may import only its own files and src-main/common') as string,
      },
    ]);
  });

  it('reports a component that imports electron or a Node built-in', async () => {
    const messages = await lint('src-renderer/src/components/Probe.svelte', component("import { ipcRenderer } from 'electron';\nimport fs from 'node:fs';\nconst value = [ipcRenderer, fs];"));
    expect(messages.map((m) => m.rule)).toEqual(['no-restricted-imports', 'no-restricted-imports']);
    expect(messages[0]!.message).toBe("'electron' import is restricted from being used. The renderer may not import electron (see docs/architecture.md, \"Processes and folders\").");
  });

  it('accepts a component that imports src-main/common through @common', async () => {
    expect(await lint('src-renderer/src/components/Probe.svelte', component("import { UserError } from '@common/errors';\nconst value = new UserError('BAD_INPUT', 'x');"))).toEqual([]);
  });

  it('runs the TypeScript rules over <script lang="ts">', async () => {
    const messages = await lint('src-renderer/src/components/Probe.svelte', component("import { UserError } from '@common/errors';\nlet unused: number = 1;\nconst value: UserError | null = null;"));
    expect(messages.map((m) => m.rule)).toEqual(['@typescript-eslint/consistent-type-imports', '@typescript-eslint/no-unused-vars']);
  });
});

describe('lint: the src-main layers', () => {
  const rules = async (file: string, code: string): Promise<(string | null)[]> => (await lint(file, code)).map((m) => m.rule);

  it('reads a relative import from where the file sits: ../ml is src-main/ml from common/, common/ml from common/runs/', async () => {
    expect(await rules('src-main/common/probe.ts', "export { fit } from '../ml/fit';\n")).toEqual(['no-restricted-imports']);
    expect(await rules('src-main/common/runs/probe.ts', "export type { ModelSpec } from '../ml/model';\n")).toEqual([]);
    expect(await rules('src-main/common/runs/probe.ts', "export { fit } from '../../ml/fit';\n")).toEqual(['no-restricted-imports']);
    expect(await rules('src-main/common/preprocessing/steps/baselines/probe.ts', "export { fit } from '../../../../ml/fit';\n")).toEqual(['no-restricted-imports']);
  });

  it('tells a Node built-in from a sibling module of the same name', async () => {
    expect(await rules('src-main/common/runs/probe.ts', "export { on } from './events';\n")).toEqual([]);
    expect(await rules('src-main/common/runs/probe.ts', "export { on } from 'events';\nexport { join } from 'node:path';\n")).toEqual(['no-restricted-imports', 'no-restricted-imports']);
  });

  it('lets services import db, io and ml but not the main process', async () => {
    expect(await rules('src-main/services/probe.ts', "export { openProject } from '../db/connection';\nexport { parseFile } from '../io';\nexport { fit } from '../ml/fit';\n")).toEqual([]);
    expect(await rules('src-main/services/probe.ts', "export { installSecurity } from '../main/security';\n")).toEqual(['no-restricted-imports']);
  });
});

describe('lint: SQL only in src-main/db', () => {
  const sql = "import type { Db } from '../db/connection';\nexport const n = (db: Db): unknown => db.prepare('SELECT 1').get();\nexport const k = (db: Db): void => db.exec('BEGIN');\nexport const v = (db: Db): unknown => db.pragma('user_version');\n";

  it('reports prepare, exec with SQL text and pragma in a service', async () => {
    const messages = await lint('src-main/services/probe.ts', sql);
    expect(messages.map((m) => m.rule)).toEqual(['no-restricted-syntax', 'no-restricted-syntax', 'no-restricted-syntax']);
    expect(messages[0]!.message).toBe('SQL lives in src-main/db: call or add a repository function there (see docs/architecture.md, "Where SQL lives").');
  });

  it('reports them in the main process and the CLI too', async () => {
    expect((await lint('src-main/cli/probe.ts', sql)).length).toBe(3);
  });

  it('accepts them in src-main/db', async () => {
    expect(await lint('src-main/db/probe.ts', sql.replace("'../db/connection'", "'./connection'"))).toEqual([]);
  });

  it('accepts a regular expression literal’s exec', async () => {
    expect(await lint('src-main/io/probe.ts', 'export const m = (s: string): RegExpExecArray | null => /^(\\d+)$/.exec(s);\n')).toEqual([]);
  });
});

describe('lint messages', () => {
  /** Every string under a rule's options that cites docs/architecture.md. */
  function citations(value: unknown): string[] {
    if (typeof value === 'string') return value.includes('docs/architecture.md') ? [value] : [];
    if (Array.isArray(value)) return value.flatMap(citations);
    if (value && typeof value === 'object') return Object.values(value).flatMap(citations);
    return [];
  }

  it('cite sections that docs/architecture.md has', async () => {
    const folders = ['common', 'db', 'io', 'ml', 'services', 'main', 'preload', 'cli', 'bench'].map((f) => `src-main/${f}/runs/x.ts`);
    const configs = await Promise.all([...folders, 'src-renderer/src/components/X.svelte'].map((f) => eslint.calculateConfigForFile(f) as Promise<{ rules: Record<string, unknown> }>));
    const messages = new Set(configs.flatMap((c) => citations(c.rules)));
    const sections = new Set([...messages].map((m) => /docs\/architecture\.md, "([^"]+)"/.exec(m)?.[1] ?? `no section in: ${m}`));
    const headings = new Set([...fs.readFileSync(path.join(root, 'docs/architecture.md'), 'utf8').matchAll(/^#{2,3} (.+)$/gm)].map((m) => m[1]));
    expect([...sections].sort()).toEqual(['Processes and folders', 'Where SQL lives']);
    expect([...sections].filter((s) => !headings.has(s))).toEqual([]);
  });
});
