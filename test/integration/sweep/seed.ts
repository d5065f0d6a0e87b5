// The world of this test run's protocol (TEST_UPSTREAM_PROTOCOL): see world.ts.
import type { UpstreamProtocol } from '../../../src/upstream/port';
import { assistantsWorld } from './assistants-world';
import { responsesWorld } from './responses-world';
import { PROTOCOL } from './stack';
import type { ProtocolWorld } from './world';

const WORLDS: Record<UpstreamProtocol, ProtocolWorld> = { assistants: assistantsWorld, responses: responsesWorld };

export const world = WORLDS[PROTOCOL];
export { none, only, type Ids, type StaleSet, type World } from './world';
