// A fault for the moment after the Logic App acted: the host is SIGKILLed as the mail sink accepts an email, so the
// worker never hears back nor records the outcome. Armed per test; pass `onMail` to startStack.
import type { Stack } from './stack';

export function killHostOnMail(stackOf: () => Stack): { arm(): void; onMail(): void } {
  let armed = false;
  return {
    arm: () => {
      armed = true;
    },
    onMail: () => {
      if (!armed) return;
      armed = false;
      stackOf().host.kill('SIGKILL');
    },
  };
}
