import fs from 'node:fs';
import path from 'node:path';

/** The PyTorch reference script of the benchmark, where this checkout has it (../shared/bench). */
export function torchReferenceScript(): string | null {
  const candidates = [process.env.SPECTRA_TORCH_REFERENCE, path.resolve(process.cwd(), '..', 'shared', 'bench', 'torch_reference.py')];
  if (typeof __dirname === 'string') candidates.push(path.resolve(__dirname, '..', '..', '..', 'shared', 'bench', 'torch_reference.py'));
  return candidates.find((c): c is string => !!c && fs.existsSync(c)) ?? null;
}

/** The PyTorch side of the bench's model rows (scripts/bench/torch_models.py in this checkout). */
export function torchModelsScript(): string | null {
  const candidates = [process.env.SPECTRA_TORCH_MODELS, path.resolve(process.cwd(), 'scripts', 'bench', 'torch_models.py')];
  if (typeof __dirname === 'string') candidates.push(path.resolve(__dirname, '..', '..', 'scripts', 'bench', 'torch_models.py'));
  return candidates.find((c): c is string => !!c && fs.existsSync(c)) ?? null;
}
