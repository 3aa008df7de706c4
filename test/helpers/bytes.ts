/**
 * `trials` files of pseudo-random bytes, `size(trial)` bytes each, the same on every run (the top
 * byte of a 32-bit linear congruential generator seeded with `seed`): garbage to feed a parser.
 */
export function* randomFiles(seed: number, trials: number, size: (trial: number) => number): Generator<[trial: number, bytes: Uint8Array]> {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state * 1103515245 + 12345) >>> 0;
    return state >>> 24;
  };
  for (let trial = 0; trial < trials; trial++) yield [trial, new Uint8Array(size(trial)).map(() => next())];
}
