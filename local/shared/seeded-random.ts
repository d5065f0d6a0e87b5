// One seeded PRNG for everything dev-only that must repeat itself from a seed: the local server's fault rolls,
// the benchmark's workload and the fuzz suite's requests. mulberry32 (public domain): small, fast, good enough
// for test data, not for anything secret.
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
