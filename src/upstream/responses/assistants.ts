// The assistant resolver on Responses: the app holds the assistants (assistants/*.json, sent with every response),
// so an assistant's id is its definition key and nothing is looked up upstream. (A Foundry agent published by the
// sync could later be resolved here to an `agent_reference`.)
import { badRequest } from '../../errors';
import type { AssistantDefinition, AssistantResolver } from '../../assistants';

export function createDefinitionResolver(definitions: AssistantDefinition[]): AssistantResolver {
  const byKey = new Map(definitions.map((definition) => [definition.key, definition]));
  return {
    async resolve(key) {
      const definition = byKey.get(key);
      // The same 400 as the Assistants resolver (src/assistants/resolver.ts).
      if (!definition) throw badRequest(`Unknown assistant "${key}".`, { field: 'assistant', allowed: [...byKey.keys()] });
      return { assistantId: key, definition };
    },
    async list() {
      return definitions.map((definition) => ({ key: definition.key, assistantId: definition.key, definition }));
    },
    invalidate() {
      // Nothing cached upstream.
    },
  };
}
