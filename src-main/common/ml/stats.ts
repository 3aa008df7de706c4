import { UserError } from '../errors';

/**
 * Distribution functions for the out-of-model limits (Hotelling T², Q residuals), pure TS.
 *
 * The normal quantile is Wichura's AS 241 (PPND16, relative error ≈ 1e-16). The F and χ²
 * distributions go through the regularised incomplete beta (continued fraction, modified Lentz)
 * and gamma (series below a + 1, continued fraction above) functions; their quantiles are found
 * by Newton steps kept inside a shrinking bracket, so they never leave the support and always
 * converge. Checked against scipy.stats (norm, f, chi2) to ≤ 1e-12 relative in the tests.
 */

const EPS = 2.220446049250313e-16;
const TINY = 1e-300;
const LN_SQRT_2PI = 0.9189385332046728;

function fail(message: string): never {
  throw new UserError('BAD_INPUT', message);
}

function checkProbability(fn: string, p: number): void {
  if (!(p >= 0 && p <= 1)) fail(`${fn}: the probability must lie in [0, 1], got ${p}.`);
}

function checkDegrees(fn: string, name: string, d: number): void {
  if (!(d > 0) || !Number.isFinite(d)) fail(`${fn}: ${name} must be a positive finite number, got ${d}.`);
}

/** From here on Stirling's series (with {@link stirlingCorrection}) replaces Lanczos. */
const LARGE = 10;

/** ln Γ(z) − [(z − ½)·ln z − z + ½·ln 2π], z ≥ 10: six terms of Stirling's series (error < 1e-15). */
function stirlingCorrection(z: number): number {
  const r = 1 / z;
  const r2 = r * r;
  return r * (1 / 12 - r2 * (1 / 360 - r2 * (1 / 1260 - r2 * (1 / 1680 - r2 * (1 / 1188 - (r2 * 691) / 360360)))));
}

const LANCZOS = [
  0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.6150291621406, 12.507343278686905,
  -0.13857109526572012, 0.000009984369578019572, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error ≈ 1e-15). */
export function logGamma(x: number): number {
  if (!(x > 0)) fail(`logGamma: x must be positive, got ${x}.`);
  if (x < 0.5) {
    // Reflection: Γ(x)Γ(1 − x) = π / sin(πx).
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  }
  if (x >= LARGE) return (x - 0.5) * Math.log(x) - x + LN_SQRT_2PI + stirlingCorrection(x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return LN_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). */
function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/** ln(1 + u) − u, without the cancellation of the direct form for small u. */
function log1pmx(u: number): number {
  if (Math.abs(u) > 0.5) return Math.log1p(u) - u;
  // ln(1 + u) = 2·atanh(s), s = u/(2 + u), and u − 2s = u·s.
  const s = u / (2 + u);
  const s2 = s * s;
  let power = s * s2;
  let sum = 0;
  for (let k = 3; k < 400; k += 2) {
    const add = power / k;
    sum += add;
    if (Math.abs(add) <= EPS * Math.abs(sum)) break;
    power *= s2;
  }
  return -u * s + 2 * sum;
}

/**
 * ln[xᵃ(1 − x)ᵇ / B(a, b)], the front factor of the incomplete beta. For large a or b the
 * log-gammas are ≈ 1e7 while the result is small: Stirling's series with the linear terms
 * cancelled by hand keeps its digits (Temme's form).
 */
function logBetaFront(x: number, a: number, b: number): number {
  if (a >= LARGE && b >= LARGE) {
    const c = a + b;
    const d = x - a / c;
    return (
      a * log1pmx((d * c) / a) +
      b * log1pmx((-d * c) / b) +
      0.5 * Math.log(a / c) +
      0.5 * Math.log(b / (2 * Math.PI)) -
      stirlingCorrection(a) -
      stirlingCorrection(b) +
      stirlingCorrection(c)
    );
  }
  if (b >= LARGE) {
    // ln Γ(a + b) − ln Γ(b) = (b − ½)·ln(1 + a/b) + a·ln(a + b) − a + corrections.
    const c = a + b;
    return (
      a * Math.log(x) + b * Math.log1p(-x) - logGamma(a) + (b - 0.5) * Math.log1p(a / b) + a * Math.log(c) - a +
      stirlingCorrection(c) -
      stirlingCorrection(b)
    );
  }
  if (a >= LARGE) return logBetaFront(1 - x, b, a);
  return a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b);
}

/** ln[xᵃe⁻ˣ / Γ(a)], the front factor of the incomplete gamma; Stirling's form for large a. */
function logGammaFront(a: number, x: number): number {
  if (a >= LARGE) return a * log1pmx((x - a) / a) + 0.5 * Math.log(a / (2 * Math.PI)) - stirlingCorrection(a);
  return a * Math.log(x) - x - logGamma(a);
}

/** Continued fraction of the incomplete beta (Numerical Recipes `betacf`, modified Lentz). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) return h;
  }
  return h;
}

/**
 * Regularised incomplete beta Iₓ(a, b) and its complement 1 − Iₓ(a, b), each computed directly
 * (no subtraction from 1), so upper tails keep their digits.
 */
function incompleteBeta(x: number, a: number, b: number): { lower: number; upper: number } {
  if (x <= 0) return { lower: 0, upper: 1 };
  if (x >= 1) return { lower: 1, upper: 0 };
  const front = Math.exp(logBetaFront(x, a, b));
  if (x < (a + 1) / (a + b + 2)) {
    const lower = (front * betaContinuedFraction(x, a, b)) / a;
    return { lower, upper: 1 - lower };
  }
  const upper = (front * betaContinuedFraction(1 - x, b, a)) / b;
  return { lower: 1 - upper, upper };
}

/** Regularised incomplete beta function Iₓ(a, b) (scipy.special.betainc). */
export function regularizedBeta(x: number, a: number, b: number): number {
  checkDegrees('regularizedBeta', 'a', a);
  checkDegrees('regularizedBeta', 'b', b);
  return incompleteBeta(x, a, b).lower;
}

/** Regularised lower and upper incomplete gamma P(a, x), Q(a, x), each computed directly. */
function incompleteGamma(a: number, x: number): { lower: number; upper: number } {
  if (x <= 0) return { lower: 0, upper: 1 };
  const logFront = logGammaFront(a, x);
  if (x < a + 1) {
    let ap = a;
    let del = 1 / a;
    let sum = del;
    for (let n = 0; n < 100000; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * EPS) break;
    }
    const lower = sum * Math.exp(logFront);
    return { lower, upper: 1 - lower };
  }
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i <= 100000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  const upper = Math.exp(logFront) * h;
  return { lower: 1 - upper, upper };
}

/** Regularised lower incomplete gamma P(a, x) (scipy.special.gammainc). */
export function regularizedGammaP(a: number, x: number): number {
  checkDegrees('regularizedGammaP', 'a', a);
  return incompleteGamma(a, x).lower;
}

/** Standard normal cumulative distribution Φ(x) (scipy.stats.norm.cdf). */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const tail = incompleteGamma(0.5, (x * x) / 2).upper / 2;
  return x < 0 ? tail : 1 - tail;
}

/** AS 241 rational approximations, coefficients from degree 0 upwards. */
const AS241_A = [3.3871328727963665, 133.14166789178438, 1971.5909503065513, 13731.69376550946, 45921.95393154987, 67265.7709270087, 33430.57558358813, 2509.0809287301227];
const AS241_B = [1, 42.31333070160091, 687.1870074920579, 5394.196021424751, 21213.794301586597, 39307.89580009271, 28729.085735721943, 5226.495278852546];
const AS241_C = [1.4234371107496835, 4.630337846156546, 5.769497221460691, 3.6478483247632045, 1.2704582524523684, 0.2417807251774506, 0.022723844989269184, 0.0007745450142783414];
const AS241_D = [1, 2.053191626637759, 1.6763848301838038, 0.6897673349851, 0.14810397642748008, 0.015198666563616457, 0.0005475938084995345, 1.0507500716444169e-9];
const AS241_E = [6.657904643501103, 5.463784911164114, 1.7848265399172913, 0.29656057182850487, 0.026532189526576124, 0.0012426609473880784, 0.000027115555687434876, 2.0103343992922881e-7];
const AS241_F = [1, 0.599832206555888, 0.1369298809227358, 0.014875361290850615, 0.0007868691311456133, 0.000018463183175100548, 1.421511758316446e-7, 2.0442631033899397e-15];

/** c₀ + c₁x + c₂x² + … by Horner's rule. */
function polynomial(c: readonly number[], x: number): number {
  let s = 0;
  for (let i = c.length - 1; i >= 0; i--) s = s * x + c[i]!;
  return s;
}

/**
 * Standard normal quantile Φ⁻¹(p) (scipy.stats.norm.ppf), Wichura's AS 241 (PPND16).
 * Returns −∞ at 0 and +∞ at 1.
 */
export function normalQuantile(p: number): number {
  checkProbability('normalQuantile', p);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * polynomial(AS241_A, r)) / polynomial(AS241_B, r);
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let value: number;
  if (r <= 5) {
    r -= 1.6;
    value = polynomial(AS241_C, r) / polynomial(AS241_D, r);
  } else {
    r -= 5;
    value = polynomial(AS241_E, r) / polynomial(AS241_F, r);
  }
  return q < 0 ? -value : value;
}

/** F-distribution cumulative probability P(F ≤ x) with d1, d2 degrees of freedom (scipy.stats.f.cdf). */
export function fCdf(x: number, d1: number, d2: number): number {
  checkDegrees('fCdf', 'd1', d1);
  checkDegrees('fCdf', 'd2', d2);
  if (Number.isNaN(x)) return NaN;
  if (x <= 0) return 0;
  if (x === Infinity) return 1;
  // P(F ≤ x) = I_{d1·x/(d1·x + d2)}(d1/2, d2/2); the complement form keeps digits when that is near 1.
  const u = d1 * x;
  return incompleteBeta(u / (u + d2), d1 / 2, d2 / 2).lower;
}

/**
 * Solves f(x) = target on (lo, hi) ⊂ (0, ∞) for an increasing f with known derivative. Newton
 * steps in u = ln x (Δu = −(f − target)/(x·f′)), so roots near 1e-200 or 1e7 converge on a
 * relative scale; a step that leaves the bracket is replaced by a geometric bisection (or a
 * division by 1024 while the lower end is 0). The bracket shrinks every step. Stops when the
 * step is below 4·ε relative or the bracket has collapsed.
 */
function solveIncreasing(
  f: (x: number) => number,
  df: (x: number) => number,
  target: number,
  lo: number,
  hi: number,
  x: number,
): number {
  for (let it = 0; it < 400; it++) {
    const g = f(x) - target;
    if (g === 0) return x;
    if (g < 0) lo = x;
    else hi = x;
    const slope = x * df(x);
    let next = slope > 0 && Number.isFinite(slope) ? x * Math.exp(-g / slope) : NaN;
    if (!(next > lo && next < hi)) next = lo > 0 ? Math.exp((Math.log(lo) + Math.log(hi)) / 2) : hi / 1024;
    if (Math.abs(next - x) <= 4 * EPS * next || hi - lo <= 4 * EPS * hi) return next;
    x = next;
  }
  return x;
}

/**
 * Inverse of the regularised incomplete beta: the x in (0, 1) with Iₓ(a, b) = p. Works on the
 * side whose value is below one half (through I₁₋ₓ(b, a) = 1 − p), so 1 − x never loses digits;
 * returns both x and 1 − x.
 */
function inverseBeta(p: number, a: number, b: number): { x: number; complement: number } {
  if (p <= 0) return { x: 0, complement: 1 };
  if (p >= 1) return { x: 1, complement: 0 };
  const lb = logBeta(a, b);
  const solve = (target: number, aa: number, bb: number): number => {
    const f = (x: number): number => incompleteBeta(x, aa, bb).lower;
    const df = (x: number): number => Math.exp((aa - 1) * Math.log(x) + (bb - 1) * Math.log1p(-x) - lb);
    // Start from the mean, inside the bracket.
    return solveIncreasing(f, df, target, 0, 0.5, Math.min(0.25, aa / (aa + bb)));
  };
  if (incompleteBeta(0.5, a, b).lower >= p) {
    const x = solve(p, a, b);
    return { x, complement: 1 - x };
  }
  const y = solve(1 - p, b, a);
  return { x: 1 - y, complement: y };
}

/**
 * F-distribution quantile: the x with P(F ≤ x) = p, d1 and d2 degrees of freedom
 * (scipy.stats.f.ppf). Returns 0 at p = 0 and +∞ at p = 1.
 */
export function fQuantile(p: number, d1: number, d2: number): number {
  checkProbability('fQuantile', p);
  checkDegrees('fQuantile', 'd1', d1);
  checkDegrees('fQuantile', 'd2', d2);
  if (p === 0) return 0;
  if (p === 1) return Infinity;
  const { x, complement } = inverseBeta(p, d1 / 2, d2 / 2);
  return (d2 * x) / (d1 * complement);
}

/** χ² cumulative probability P(X ≤ x) with k degrees of freedom (scipy.stats.chi2.cdf). */
export function chiSquaredCdf(x: number, k: number): number {
  checkDegrees('chiSquaredCdf', 'k', k);
  if (Number.isNaN(x)) return NaN;
  return x <= 0 ? 0 : incompleteGamma(k / 2, x / 2).lower;
}

/**
 * χ² quantile: the x with P(X ≤ x) = p, k (not necessarily whole) degrees of freedom
 * (scipy.stats.chi2.ppf). Returns 0 at p = 0 and +∞ at p = 1.
 */
export function chiSquaredQuantile(p: number, k: number): number {
  checkProbability('chiSquaredQuantile', p);
  checkDegrees('chiSquaredQuantile', 'k', k);
  if (p === 0) return 0;
  if (p === 1) return Infinity;
  const a = k / 2;
  const lg = logGamma(a);
  // Work on the smaller tail so that the target keeps its digits.
  const upperTail = p > 0.5;
  const target = upperTail ? 1 - p : p;
  const f = (x: number): number => {
    const r = incompleteGamma(a, x);
    return upperTail ? -r.upper : r.lower;
  };
  const df = (x: number): number => Math.exp((a - 1) * Math.log(x) - x - lg);
  // Wilson–Hilferty start, then a bracket [0, hi] with f(hi) ≥ target.
  const z = normalQuantile(p);
  const c = 2 / (9 * k);
  let start = (k / 2) * Math.max(1e-3, 1 - c + z * Math.sqrt(c)) ** 3;
  if (!(start > 0) || !Number.isFinite(start)) start = a;
  if (!upperTail) {
    // Far in the lower tail P(a, x) ≈ xᵃ/Γ(a + 1): a start that can be as small as 1e-300.
    const tiny = Math.exp((Math.log(p) + Math.log(a) + lg) / a);
    if (tiny === 0) return 0;
    if (tiny < start) start = tiny;
  }
  let hi = Math.max(2 * start, 1);
  const goal = upperTail ? -target : target;
  while (f(hi) < goal) hi *= 2;
  const x = solveIncreasing(f, df, goal, 0, hi, Math.min(start, hi / 2));
  return 2 * x;
}
