import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { adjustedRandIndex, kMeans, ward } from '../../../src-main/common/maps/cluster';
import { pagedPca } from '../../../src-main/common/maps/pca-pages';
import { blockPages } from '../../../src-main/common/maps/rows';
import { pca } from '../../../src-main/common/explore/pca';

interface Fixture {
  x: number[];
  rows: number;
  points: number;
  ward: Record<string, number[]>;
  ari: { a: number[]; b: number[]; ari: number }[];
}
const fixture = JSON.parse(readFileSync(path.join(__dirname, '../../fixtures/maps/clusters.json'), 'utf8')) as Fixture;
const x = Float32Array.from(fixture.x);

describe('map clusters', () => {
  it('adjusted Rand index equals scikit-learn adjusted_rand_score', () => {
    for (const c of fixture.ari) expect(adjustedRandIndex(c.a, c.b)).toBeCloseTo(c.ari, 12);
    expect(adjustedRandIndex(['a', 'a', 'b'], [1, 1, 2])).toBe(1);
  });

  it('Ward cut into k clusters is scipy fcluster(linkage(X, "ward"), k, "maxclust")', () => {
    for (const [k, expected] of Object.entries(fixture.ward)) {
      const got = ward(blockPages(x, fixture.rows, fixture.points, 7), Number(k));
      // Same partition: cluster numbers differ (ours by first appearance), the ARI between them is exactly 1.
      expect(adjustedRandIndex(Array.from(got.labels), expected)).toBe(1);
      expect(got.labels[0]).toBe(0);
      expect(got.counts.reduce((a, b) => a + b, 0)).toBe(60);
    }
  });

  it('k-means++ is seeded, reads pages, and finds separated blobs; means are the clusters’ means', () => {
    // 3 tight blobs of 10 rows in 2-D, rows interleaved.
    const rows = 30;
    const v = new Float32Array(rows * 2);
    for (let i = 0; i < rows; i++) {
      const b = i % 3;
      v[2 * i] = [0, 10, 0][b]! + (i % 5) * 0.01;
      v[2 * i + 1] = [0, 0, 10][b]! - (i % 7) * 0.01;
    }
    const a = kMeans(blockPages(v, rows, 2, 4), 3, { seed: 5 });
    const b = kMeans(blockPages(v, rows, 2, 64), 3, { seed: 5 });
    expect(Array.from(a.labels)).toEqual(Array.from({ length: rows }, (_, i) => i % 3));
    expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
    expect(a.counts).toEqual([10, 10, 10]);
    expect(a.means[1]![0]).toBeCloseTo(10.02, 5);
    expect(a.inertia).toBeCloseTo(b.inertia, 9);
    expect(() => kMeans(blockPages(v, rows, 2), 31, { seed: 1 })).toThrow('k-means: 31 clusters for 30 spectra.');
  });

  it('paged PCA gives the scores of the in-memory PCA, small and large axes', () => {
    for (const points of [5, 80]) {
      const rows = 40;
      const v = Float32Array.from({ length: rows * points }, (_, i) => Math.sin(i * 0.37) * (1 + (i % points) / points) + ((i * 7919) % 13) / 13);
      const ref = pca(v, rows, points, 3);
      const got = pagedPca(blockPages(v, rows, points, 9), 3);
      for (let i = 0; i < rows * 3; i++) expect(got.scores[i]!).toBeCloseTo(ref.scores[i]!, 6);
      for (let j = 0; j < 3; j++) expect(got.explainedVarianceRatio[j]!).toBeCloseTo(ref.explainedVarianceRatio[j]!, 9);
    }
  });
});
