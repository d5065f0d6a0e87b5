// One in-memory Azurite per test file: real Storage semantics, isolated state.
import { afterAll, beforeAll } from 'vitest';
import { startAzurite, type RunningAzurite } from '../../local/azurite';

export function useAzurite(): { current: RunningAzurite } {
  const ref = {} as { current: RunningAzurite };
  beforeAll(async () => {
    ref.current = await startAzurite();
  });
  afterAll(async () => {
    await ref.current?.close();
  });
  return ref;
}
