// (c) on Responses: the SDK's own way of following a background response. openai-node 6.x has no poll helper
// for Responses (nothing like the Assistants createAndPoll; the local server sends no openai-poll-after-ms on
// responses either). Its helper is `responses.stream({ response_id })`: it resumes the background response's event
// stream (GET /responses/{id}?stream=true, replayed from the start) and resolves `finalResponse()` when the
// response ends, so each response of the chain costs two calls (create, stream) whatever its length.
import type { Follower } from '../types';
import { followConversations, type WaitForResponse } from './direct';

export const streamResponse: WaitForResponse = (ctx, created) => ctx.openai.responses.stream({ response_id: created.id }).finalResponse();

export const responsesSdkFollower: Follower = {
  key: 'sdk',
  protocol: 'responses',
  description: 'openai SDK: responses.create({ background: true }), then responses.stream({ response_id }).finalResponse() per response of the chain',
  follow: async (ctx, workload) => ({ runs: await followConversations(ctx, workload, streamResponse) }),
};
