// Every sweep step, in the order they run, each with the protocols it serves and the summary kinds it reports.
// A protocol's sweep is the steps that name it; no step asks which protocol it runs on. Threads and
// assistants first: deleting them frees the files and vector stores they used.
import type { UpstreamProtocol } from '../../upstream/port';
import type { SweepContext } from '../context';
import type { SweepKind } from '../summary';
import { sweepAssistants } from './assistants';
import { removeAssistantsThread } from './assistants-threads';
import { sweepContainers } from './containers';
import { assistantsFileUsers, responsesFileUsers } from './file-users';
import { sweepFiles } from './files';
import { assistantsRunsUpstream, responsesRunsUpstream, sweepLedger } from './ledger';
import { removeResponsesThread } from './responses-threads';
import { sweepThreads } from './threads';
import { assistantsStoreUsers, responsesStoreUsers, sweepVectorStores } from './vector-stores';

export interface SweepTarget {
  /** What it reports; the first names the step when it fails as a whole. */
  kinds: readonly [SweepKind, ...SweepKind[]];
  protocols: readonly UpstreamProtocol[];
  run(ctx: SweepContext): Promise<void>;
}

const ASSISTANTS = ['assistants'] as const;
const RESPONSES = ['responses'] as const;

export const SWEEP_TARGETS: readonly SweepTarget[] = [
  { kinds: ['threads'], protocols: ASSISTANTS, run: sweepThreads(removeAssistantsThread) },
  { kinds: ['threads', 'responses', 'containers', 'vector_stores'], protocols: RESPONSES, run: sweepThreads(removeResponsesThread) },
  { kinds: ['assistants'], protocols: ASSISTANTS, run: sweepAssistants },
  { kinds: ['containers'], protocols: RESPONSES, run: sweepContainers },
  { kinds: ['vector_stores'], protocols: ASSISTANTS, run: sweepVectorStores(assistantsStoreUsers) },
  { kinds: ['vector_stores'], protocols: RESPONSES, run: sweepVectorStores(responsesStoreUsers) },
  { kinds: ['files'], protocols: ASSISTANTS, run: sweepFiles(assistantsFileUsers) },
  { kinds: ['files'], protocols: RESPONSES, run: sweepFiles(responsesFileUsers) },
  { kinds: ['ledger'], protocols: ASSISTANTS, run: sweepLedger(assistantsRunsUpstream) },
  { kinds: ['ledger', 'responses'], protocols: RESPONSES, run: sweepLedger(responsesRunsUpstream) },
];

export function targetsFor(protocol: UpstreamProtocol): SweepTarget[] {
  return SWEEP_TARGETS.filter((target) => target.protocols.includes(protocol));
}

/** The kinds a protocol's sweep reports (every one of them, zero or not). */
export function kindsFor(protocol: UpstreamProtocol): SweepKind[] {
  return [...new Set(targetsFor(protocol).flatMap((target) => target.kinds))];
}
