// Names the copilot router reserves.

/** Assistant key asking the copilot router to choose the assistant from the message. */
export const AUTO_ASSISTANT = 'auto';
/** The router's answer when no assistant fits: a plain chat completion answers instead of a run. */
export const OTHER_ROUTE = 'other';
