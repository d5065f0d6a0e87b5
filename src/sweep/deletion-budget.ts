// SWEEP_MAX_DELETIONS: how many deletions one sweep may still attempt. A slot is taken before a
// deletion starts (also in a dry run, so a dry run lists exactly what this firing would delete).
export class DeletionBudget {
  private used = 0;

  constructor(private readonly max: number) {}

  /** True when a deletion may go ahead; false once the cap is reached. */
  take(): boolean {
    if (this.used >= this.max) return false;
    this.used += 1;
    return true;
  }

  get remaining(): number {
    return this.max - this.used;
  }
}
