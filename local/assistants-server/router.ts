// Matches a method and path against route templates; literal segments beat parameters
// (POST /threads/runs is create-thread-and-run, not modify thread "runs").
import type { Route } from './http/context';
import { adminRoutes } from './admin/handlers';
import { assistantRoutes } from './resources/assistants/handlers';
import { chatCompletionRoutes } from './resources/chat-completions/handlers';
import { fileRoutes } from './resources/files/handlers';
import { messageRoutes } from './resources/messages/handlers';
import { runStepRoutes } from './resources/run-steps/handlers';
import { runRoutes } from './resources/runs/handlers';
import { threadRoutes } from './resources/threads/handlers';
import { containerRoutes } from './resources/containers/handlers';
import { conversationRoutes } from './resources/conversations/handlers';
import { responseRoutes } from './resources/responses/handlers';
import { vectorStoreSearchRoutes } from './resources/vector-stores/search-handlers';
import { vectorStoreFileRoutes } from './resources/vector-stores/file-handlers';
import { vectorStoreRoutes } from './resources/vector-stores/handlers';

export { adminRoutes };

export const protocolRoutes: Route[] = [
  ...assistantRoutes,
  ...threadRoutes,
  ...messageRoutes,
  ...runRoutes,
  ...runStepRoutes,
  ...fileRoutes,
  ...vectorStoreRoutes,
  ...vectorStoreFileRoutes,
  ...vectorStoreSearchRoutes,
  ...chatCompletionRoutes,
  ...responseRoutes,
  ...conversationRoutes,
  ...containerRoutes,
];

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
  /** "METHOD /template" as GET /_admin/stats reports it. */
  key: string;
}

export class Router {
  private readonly compiled: { route: Route; segments: string[]; literals: number }[];

  constructor(routes: Route[]) {
    this.compiled = routes.map((route) => {
      const segments = route.path.split('/').filter(Boolean);
      return { route, segments, literals: segments.filter((s) => !s.startsWith('{')).length };
    });
  }

  match(method: string, path: string): RouteMatch | null {
    const parts = path.split('/').filter(Boolean);
    let best: { route: Route; params: Record<string, string>; literals: number } | null = null;
    for (const { route, segments, literals } of this.compiled) {
      if (route.method !== method || segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      const ok = segments.every((segment, i) => {
        const part = safeDecode(parts[i]!);
        if (segment.startsWith('{')) {
          params[segment.slice(1, -1)] = part;
          return true;
        }
        return segment === part;
      });
      if (ok && (!best || literals > best.literals)) best = { route, params, literals };
    }
    return best ? { route: best.route, params: best.params, key: `${method} ${best.route.statsPath ?? best.route.path}` } : null;
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
