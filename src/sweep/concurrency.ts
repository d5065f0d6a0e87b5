// Runs `work` over `items` with at most `limit` calls in flight, so a sweep of thousands of objects
// neither serialises on latency nor floods the upstream (which would answer with 429s).
// A failing call stops its worker from taking more items; the others finish what they hold,
// then the first error is thrown, so nothing keeps running after this returns.
export async function forEachConcurrently<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.error;
}
