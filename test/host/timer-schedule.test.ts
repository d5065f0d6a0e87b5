import { afterEach, describe, expect, it } from 'vitest';
import type { InvocationRequest, Invoker } from '../../local/functions-host/worker/invoke';
import type { RegisteredFunction } from '../../local/functions-host/worker/registry';
import { resolveBindingExpression } from '../../local/functions-host/settings';
import { nextOccurrences, parseSchedule } from '../../local/functions-host/timers/schedule';
import { TimerTrigger } from '../../local/functions-host/timers/trigger';
import { waitFor } from './helpers';

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

describe('NCRONTAB schedules', () => {
  it('computes the next occurrences strictly after a fixed time (seconds field first)', () => {
    expect(iso(nextOccurrences(parseSchedule('0 */5 * * * *'), new Date('2026-11-23T20:01:30Z'), 3))).toEqual([
      '2026-11-23T20:05:00.000Z',
      '2026-11-23T20:10:00.000Z',
      '2026-11-23T20:15:00.000Z',
    ]);
    expect(iso(nextOccurrences(parseSchedule('*/1 * * * * *'), new Date('2026-11-23T20:00:00.500Z'), 2))).toEqual(['2026-11-23T20:00:01.000Z', '2026-11-23T20:00:02.000Z']);
    expect(iso(nextOccurrences(parseSchedule('0 0 * * * *'), new Date('2026-11-23T20:00:00.000Z'), 1))).toEqual(['2026-11-23T21:00:00.000Z']);
  });

  it('honours day-of-week ranges and the time zone', () => {
    // 2026-11-27 is a Friday: weekday 09:30 UTC next falls on Monday the 30th.
    expect(iso(nextOccurrences(parseSchedule('0 30 9 * * 1-5'), new Date('2026-11-27T10:00:00Z'), 1))).toEqual(['2026-11-30T09:30:00.000Z']);
    expect(iso(nextOccurrences(parseSchedule('0 0 9 * * *', { timeZone: 'Europe/Berlin' }), new Date('2026-11-23T00:00:00Z'), 1))).toEqual(['2026-11-23T08:00:00.000Z']);
  });

  it('accepts TimeSpan schedules as constant intervals', () => {
    expect(iso(nextOccurrences(parseSchedule('00:00:30'), new Date('2026-11-23T20:00:00Z'), 2))).toEqual(['2026-11-23T20:00:30.000Z', '2026-11-23T20:01:00.000Z']);
  });

  it('rejects invalid schedules, naming them', () => {
    expect(() => parseSchedule('61 * * * * *')).toThrow(/"61 \* \* \* \* \*"/);
    expect(() => parseSchedule('* * *')).toThrow(/6 NCRONTAB fields/);
  });

  it('resolves %SETTING% expressions in schedules', () => {
    expect(resolveBindingExpression('%SWEEP%', { SWEEP: '0 0 * * * *' })).toBe('0 0 * * * *');
    expect(() => resolveBindingExpression('%MISSING%', {})).toThrow(/MISSING/);
  });
});

describe('timer trigger', () => {
  const fn: RegisteredFunction = { id: 'tick', name: 'tick', bindings: {}, callback: () => undefined };
  let timer: TimerTrigger | undefined;
  afterEach(() => timer?.stop());

  function recordingInvoker() {
    const calls: { IsPastDue: boolean; Schedule: { AdjustForDST: boolean }; ScheduleStatus: { Next: string } }[] = [];
    const invoker: Invoker = {
      invoke: async (_fn, request: InvocationRequest) => {
        calls.push(JSON.parse(request.inputData[0]!.data!.json!));
        return { response: {}, result: undefined };
      },
    };
    return { calls, invoker };
  }

  it('runs on startup with the timer object the host passes', async () => {
    const { calls, invoker } = recordingInvoker();
    timer = new TimerTrigger({ fn, triggerName: 'timer', schedule: parseSchedule('0 0 0 1 1 *'), runOnStartup: true, invoker });
    timer.start();
    await waitFor(() => calls.length === 1, 'the startup run', 5_000);
    expect(calls[0]).toMatchObject({ IsPastDue: false, Schedule: { AdjustForDST: true } });
  });

  it('reports a run as past due when the clock passed the following occurrence', async () => {
    const { calls, invoker } = recordingInvoker();
    let offsetMs = 0;
    timer = new TimerTrigger({ fn, triggerName: 'timer', schedule: parseSchedule('*/1 * * * * *'), runOnStartup: false, invoker, now: () => new Date(Date.now() + offsetMs) });
    timer.start();
    // The process "sleeps" 5 s past the scheduled occurrence.
    offsetMs = 5_000;
    await waitFor(() => calls.length >= 2, 'two runs', 10_000);
    expect(calls[0]!.IsPastDue).toBe(true);
    expect(calls[1]!.IsPastDue).toBe(false);
  });
});
