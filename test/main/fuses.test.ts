import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const config = fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8');

/**
 * The top-level `electronFuses:` block of electron-builder.yml as name → value. The block is a
 * flat map of booleans, so it is read line by line; any other line in it fails the test.
 */
function fuses(yaml: string): Record<string, boolean> {
  const lines = yaml.split(/\r?\n/);
  const start = lines.findIndex((l) => /^electronFuses:\s*$/.test(l));
  if (start < 0) throw new Error('electron-builder.yml has no top-level electronFuses block');
  const out: Record<string, boolean> = {};
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    if (!/^\s/.test(line)) break;
    const m = /^ {2}([A-Za-z0-9]+): (true|false)\s*$/.exec(line);
    if (!m) throw new Error(`Unexpected line in electronFuses: ${line}`);
    if (m[1]! in out) throw new Error(`electronFuses sets ${m[1]} twice`);
    out[m[1]!] = m[2] === 'true';
  }
  return out;
}

describe('electron fuses', () => {
  it('are flipped to the hardened values in the packaged binary', () => {
    expect(fuses(config)).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('are all names electron-builder knows (its schema refuses others only when packaging)', () => {
    const schema = JSON.parse(fs.readFileSync(path.join(root, 'node_modules/app-builder-lib/scheme.json'), 'utf8')) as {
      definitions: { FuseOptionsV1: { properties: Record<string, { type: string }> } };
    };
    const known = schema.definitions.FuseOptionsV1.properties;
    expect(Object.keys(fuses(config)).filter((name) => known[name]?.type !== 'boolean')).toEqual([]);
  });

  it('have an asar to validate: the app is packed, with its integrity hash', () => {
    expect(config.split(/\r?\n/).filter((l) => /^asar\b|disableIntegrity/.test(l))).toEqual(['asar: true']);
  });

  it('reads the block line by line and refuses what it does not understand', () => {
    expect(fuses('a: 1\nelectronFuses:\n  runAsNode: false\n\n  # note\n  onlyLoadAppFromAsar: true\nnext: x\n')).toEqual({ runAsNode: false, onlyLoadAppFromAsar: true });
    expect(() => fuses('electronFuses:\n  runAsNode: "no"\n')).toThrow('Unexpected line in electronFuses:   runAsNode: "no"');
    expect(() => fuses('electronFuses:\n  runAsNode: false\n  runAsNode: true\n')).toThrow('electronFuses sets runAsNode twice');
    expect(() => fuses('asar: true\n')).toThrow('electron-builder.yml has no top-level electronFuses block');
  });
});
