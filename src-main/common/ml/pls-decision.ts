/**
 * The words for a PLS-DA class decision, shared by the Train view, the run page, Compare and the
 * HTML report, and the cross-validation evidence for the choice.
 */
import type { PlsDecision } from './pls';

/** What a user may ask for: a decision, or 'auto' (the cross-validation chooses). */
export const PLS_DECISION_CHOICES = ['auto', 'pls-da', 'centroid', 'nearest-neighbour', 'lda'] as const satisfies readonly ('auto' | PlsDecision)[];
export type PlsDecisionChoice = (typeof PLS_DECISION_CHOICES)[number];

export const PLS_DECISIONS: Record<PlsDecision, { label: string; short: string }> = {
  'pls-da': { label: 'PLS-DA: the largest predicted class value', short: 'PLS-DA (largest value)' },
  centroid: { label: 'the nearest class centre of the predicted values', short: 'nearest class centre' },
  'nearest-neighbour': { label: 'the class of the nearest training spectrum in the score space', short: 'nearest training spectrum' },
  lda: { label: 'linear discriminant analysis on the PLS scores (PLS-LDA)', short: 'PLS-LDA' },
};

interface CvCurves {
  curve?: { score: number }[];
  centroidCurve?: { score: number }[];
  nearestNeighbourCurve?: { score: number }[];
  nearestNeighbourSkipped?: string;
}

const best = (c?: { score: number }[]) => (c?.length ? Math.max(...c.map((p) => p.score)) : null);
const fmt = (v: number) => String(Number(v.toFixed(3)));

/**
 * "cross-validated balanced accuracy: PLS-DA 0.966, class centre 0.968, nearest spectrum 0.965"
 * (the best of each decision's curve), plus why the nearest spectrum was not tried; '' when the
 * run has only one curve.
 */
export function plsDecisionEvidence(cv: CvCurves | null | undefined): string {
  const parts: string[] = [];
  const a = best(cv?.curve);
  const c = best(cv?.centroidCurve);
  const n = best(cv?.nearestNeighbourCurve);
  if (a !== null && (c !== null || n !== null)) {
    parts.push(`cross-validated balanced accuracy: PLS-DA ${fmt(a)}${c !== null ? `, class centre ${fmt(c)}` : ''}${n !== null ? `, nearest spectrum ${fmt(n)}` : ''}`);
  }
  if (cv?.nearestNeighbourSkipped) parts.push(cv.nearestNeighbourSkipped);
  return parts.join('; ');
}
