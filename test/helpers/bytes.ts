/**
 * A repeatable stream of pseudo-random bytes (the top byte of a 32-bit linear congruential
 * generator), for feeding parsers garbage that is the same on every run.
 */
export function byteStream(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1103515245 + 12345) >>> 0;
    return state >>> 24;
  };
}
