// /threads/{thread_id}/runs/{run_id}/steps: list and get.
import type { Route } from '../../http/context';
import { paginate } from '../../http/pagination';
import { findRun, findStep } from '../lookup';

export const runStepRoutes: Route[] = [
  {
    method: 'GET',
    path: '/threads/{thread_id}/runs/{run_id}/steps',
    handler: (ctx) => {
      const { run } = findRun(ctx.services.store.state, ctx.params.thread_id!, ctx.params.run_id!);
      return { json: paginate(ctx.services.store.state.runSteps(run.id).values(), ctx.query) };
    },
  },
  {
    method: 'GET',
    path: '/threads/{thread_id}/runs/{run_id}/steps/{step_id}',
    handler: (ctx) => {
      const { run } = findRun(ctx.services.store.state, ctx.params.thread_id!, ctx.params.run_id!);
      return { json: findStep(ctx.services.store.state, run.id, ctx.params.step_id!) };
    },
  },
];
