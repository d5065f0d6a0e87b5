import { describe, expect, it } from 'vitest';
import { createCoreApi } from '../../local/functions-host/worker/core-api';
import { createHostLog } from '../../local/functions-host/logs';
import { AppRegistry } from '../../local/functions-host/worker/registry';

function setup() {
  const lines: string[] = [];
  const registry = new AppRegistry(createHostLog({ write: (line) => lines.push(line) }));
  return { registry, core: createCoreApi(registry), lines };
}

describe('core API', () => {
  it('registers functions until startup ends, like the worker', () => {
    const { registry, core } = setup();
    const disposable = core.registerFunction({ name: 'a', bindings: {} }, () => 1);
    core.registerFunction({ name: 'b', bindings: {} }, () => 2);
    expect([...registry.functions.keys()]).toEqual(['a', 'b']);
    expect(() => core.registerFunction({ name: 'a', bindings: {} }, () => 3)).toThrow(/already been registered/);
    disposable.dispose();
    expect([...registry.functions.keys()]).toEqual(['b']);
    registry.lock();
    expect(() => core.registerFunction({ name: 'c', bindings: {} }, () => 4)).toThrow(/only be registered during app startup/);
  });

  it('runs hooks in registration order and rejects unknown hook names', async () => {
    const { registry, core } = setup();
    const order: string[] = [];
    core.registerHook('appStart', () => void order.push('first'));
    const second = core.registerHook('appStart', async () => void order.push('second'));
    await registry.runHooks('appStart', { hookData: {}, appHookData: {} });
    second.dispose();
    await registry.runHooks('appStart', { hookData: {}, appHookData: {} });
    expect(order).toEqual(['first', 'second', 'first']);
    expect(() => core.registerHook('nope', () => undefined)).toThrow(RangeError);
  });

  it('routes core logs through log hooks, which may rewrite user logs only', () => {
    const { core, lines } = setup();
    core.registerHook('log', (context) => {
      const c = context as unknown as { message: string };
      c.message = `[hooked] ${c.message}`;
    });
    core.log('information', 'system', 'system line');
    core.log('information', 'user', 'user line');
    expect(lines.map((l) => l.replace(/^\[[^\]]+\] /, ''))).toEqual(['system line', '[hooked] user line']);
  });
});
