// Deterministic token counts: about four characters a token, like the usual rule of thumb.
export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);

export function usageOf(prompt: number, completion: number) {
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}
