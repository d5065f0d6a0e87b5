// The follower set per upstream protocol: the same four followers, (a)–(c) talking to the local server in that
// protocol themselves, (d) the backend on a stack started with UPSTREAM_PROTOCOL set to the protocol.
// A protocol with no followers is reported as not measured.
import { backendFollower } from './followers/backend/follower';
import { pollLoopFollower } from './followers/assistants/poll-loop';
import { sdkFollower } from './followers/assistants/sdk';
import { responsesPollLoopFollower } from './followers/responses/poll-loop';
import { responsesSdkFollower } from './followers/responses/sdk';
import type { Follower, Protocol } from './followers/types';

export { PROTOCOL_ORDER } from './followers/types';

export interface ProtocolPlan {
  followers: Follower[];
  /** Why the protocol is not measured (when it has no followers). */
  note?: string;
}

export const PROTOCOLS: Record<Protocol, ProtocolPlan> = {
  assistants: {
    followers: [
      pollLoopFollower('seed_5s', 5000, "the training's loop: runs.retrieve every 5 s, submit tool outputs when asked"),
      pollLoopFollower('poll_1s', 1000, 'a tight loop: runs.retrieve every 1 s'),
      sdkFollower,
      backendFollower('assistants'),
    ],
  },
  responses: {
    followers: [
      responsesPollLoopFollower('seed_5s', 5000, "the training's loop on Responses: background responses, responses.retrieve every 5 s, function_call_output in the next response"),
      responsesPollLoopFollower('poll_1s', 1000, 'a tight loop: responses.retrieve every 1 s'),
      responsesSdkFollower,
      backendFollower('responses'),
    ],
  },
};
