// The whole local stack for integration tests (local/stack.ts), plus useStack(): one stack per test file,
// started and closed by vitest hooks.
import { afterAll, beforeAll } from 'vitest';
import { startStack, type Stack, type StackOptions } from '../../local/stack';

export { apiClient, eventually, startStack, type Stack, type StackOptions } from '../../local/stack';

/** One stack for a test file: started before its tests, closed after them. Read it through the getter. */
export function useStack(options: StackOptions = {}): () => Stack {
  let stack: Stack | undefined;
  beforeAll(async () => {
    stack = await startStack(options);
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  });
  return () => {
    if (!stack) throw new Error('the stack is not started yet');
    return stack;
  };
}
