import fs from 'node:fs';
import path from 'node:path';

/**
 * A file the build writes under out/ (e.g. `ml/trainer.cjs`): next to the running bundle
 * (out/cli, out/main, out/bench → out/<sub>), or in the repository's out/ when running from
 * TypeScript sources (tests), found by walking up from the working directory.
 */
export function builtFile(rel: string): string {
  const candidates: string[] = [];
  if (typeof __dirname === 'string') candidates.push(path.resolve(__dirname, '..', rel));
  let dir = process.cwd();
  for (let i = 0; i < 6; i++) {
    candidates.push(path.join(dir, 'out', rel));
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new Error(`out/${rel} was not found; run \`npm run build\` (looked in ${candidates.slice(0, 2).join(', ')}).`);
  return found;
}

/** The PyTorch reference script of the benchmark, where this checkout has it (../shared/bench). */
export function torchReferenceScript(): string | null {
  const candidates = [process.env.SPECTRA_TORCH_REFERENCE, path.resolve(process.cwd(), '..', 'shared', 'bench', 'torch_reference.py')];
  if (typeof __dirname === 'string') candidates.push(path.resolve(__dirname, '..', '..', '..', 'shared', 'bench', 'torch_reference.py'));
  return candidates.find((c): c is string => !!c && fs.existsSync(c)) ?? null;
}
