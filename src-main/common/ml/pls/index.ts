/**
 * Partial least squares, pure TypeScript: PLS1/PLS2 regression and PLS-DA fitted as
 * scikit-learn's NIPALS `PLSRegression` (nipals.ts), the class decisions of PLS-DA
 * (decisions.ts), and the cross-validation that chooses components and decision
 * (cross-validation.ts). Scores, VIP and out-of-model limits of a fitted model are in diagnostics.ts.
 */
export { fitPls, fitPlsDa, fitPlsRegression, predictPls, predictPlsDa, type PlsDaOptions, type PlsModel, type PlsOptions } from './nipals';
export type { PlsCentroid, PlsDecision, PlsNearestNeighbour } from './decisions';
export { fitLda, ldaProbabilities, type PlsLda } from './lda';
export { choosePlsComponents, NEAREST_NEIGHBOUR_WORK, shuffledKFold, type PlsCvOptions, type PlsCvPoint, type PlsCvResult } from './cross-validation';
