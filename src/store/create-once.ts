// Creates a storage resource (table, queue) once per process: later callers share the first attempt,
// and a failed attempt is forgotten so the next caller tries again.
const created = new Map<string, Promise<void>>();

export function createOnce(key: string, create: () => Promise<unknown>): Promise<void> {
  let pending = created.get(key);
  if (!pending) {
    pending = create().then(
      () => undefined,
      (error: unknown) => {
        created.delete(key);
        throw error;
      },
    );
    created.set(key, pending);
  }
  return pending;
}
