// Deleting something of ours upstream: already gone (404) counts as deleted, as the port promises.
export async function gone(remove: () => Promise<unknown>): Promise<'deleted' | 'already_gone'> {
  try {
    await remove();
    return 'deleted';
  } catch (error) {
    if ((error as { status?: number }).status === 404) return 'already_gone';
    throw error;
  }
}
