// The assistants this deployment offers (assistants-as-code), for frontends' pickers.
import { z } from 'zod';

export const AssistantSummary = z
  .object({
    key: z.string().meta({ example: 'default' }),
    name: z.string(),
    description: z.string(),
    default: z.boolean().meta({ description: 'Used when a request names no assistant.' }),
  })
  .meta({ id: 'AssistantSummary' });

export const AssistantList = z
  .object({ data: z.array(AssistantSummary), auto: z.boolean().meta({ description: 'Whether `auto` routing is available.' }) })
  .meta({ id: 'AssistantList' });

export type AssistantListResource = z.input<typeof AssistantList>;
