// The follower set per upstream protocol. A protocol with no followers yet is reported as not measured.
// Responses followers (loops on GET /responses/{id}, the SDK's background + poll, the backend once it speaks
// Responses) are one module each under bench/followers/responses/, listed here.
import { backendFollower } from './followers/assistants/backend';
import { pollLoopFollower } from './followers/assistants/poll-loop';
import { sdkFollower } from './followers/assistants/sdk';
import type { Follower, Protocol } from './followers/types';

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
      backendFollower,
    ],
  },
  responses: {
    followers: [],
    note: 'the backend does not speak the Responses protocol yet (a later issue), and the local server is only now gaining it; no Responses follower exists, so no figures are reported.',
  },
};
