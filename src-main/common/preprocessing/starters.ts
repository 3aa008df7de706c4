/**
 * Common starting recipes, offered in the Recipes view ("Start from a common recipe"). Each is a
 * plain pipeline spec (see pipeline.ts) with a line saying when it is the usual first try. The
 * first one is also `scripts/recipes/first-derivative.json`, used by the acceptance run (a test
 * keeps the two equal).
 */
export interface StarterRecipe {
  name: string;
  /** When a spectroscopist reaches for it, in one sentence. */
  why: string;
  spec: { schemaVersion: 1; steps: { kind: string; params?: Record<string, number | boolean> }[] };
}

export const STARTER_RECIPES: readonly StarterRecipe[] = [
  {
    name: 'First derivative (Savitzky–Golay, 11 points, quadratic)',
    why: 'Removes constant offsets and flattens sloping baselines; the usual first try for FTIR/MIR and NIR classification.',
    spec: { schemaVersion: 1, steps: [{ kind: 'savitzkyGolay', params: { windowSize: 11, polynomial: 2, derivative: 1 } }] },
  },
  {
    name: 'SNV, then first derivative',
    why: 'Corrects path-length and scatter differences between samples (powders, tissue, diffuse reflectance), then removes offsets.',
    spec: { schemaVersion: 1, steps: [{ kind: 'snv' }, { kind: 'savitzkyGolay', params: { windowSize: 11, polynomial: 2, derivative: 1 } }] },
  },
  {
    name: 'Second derivative (Savitzky–Golay, 15 points, quadratic)',
    why: 'Separates overlapping bands and removes linear baselines; noisier than the first derivative, hence the wider window.',
    spec: { schemaVersion: 1, steps: [{ kind: 'savitzkyGolay', params: { windowSize: 15, polynomial: 2, derivative: 2 } }] },
  },
  {
    name: 'MSC (multiplicative scatter correction)',
    why: 'Fits each spectrum to the training mean and removes the additive and multiplicative scatter; classic for NIR of solids and meat.',
    spec: { schemaVersion: 1, steps: [{ kind: 'msc' }] },
  },
  {
    name: 'Raman: baseline (arPLS), then SNV',
    why: 'Removes the broad fluorescence background under Raman bands, then puts every spectrum on the same intensity scale.',
    spec: { schemaVersion: 1, steps: [{ kind: 'arpls' }, { kind: 'snv' }] },
  },
];
