// Timer schedules as the Functions host reads them: NCRONTAB (six fields with seconds, or five; see
// ncrontab.ts, evaluated as NCrontab does) or a TimeSpan (`hh:mm:ss`) meaning a constant interval.
// Occurrences are strictly after `after`, computed on the wall clock of WEBSITE_TIME_ZONE (an IANA zone
// here; UTC by default), as the host computes them in its local time.
import { parseTimeSpan } from '../host-json';
import { NcrontabSchedule, type WallTime } from './ncrontab';

export interface Schedule {
  readonly expression: string;
  next(after: Date): Date;
}

/** What `next` answers for a schedule with no further occurrence (e.g. `0 0 0 31 2 *`): DateTime.MaxValue. */
export const NEVER = new Date(Date.UTC(9999, 11, 31, 23, 59, 59, 999));

export function parseSchedule(expression: string, options: { timeZone?: string } = {}): Schedule {
  const text = expression.trim();
  if (/^(\d+\.)?\d{1,2}:\d{1,2}(:\d{1,2}(\.\d+)?)?$/.test(text)) {
    const interval = parseTimeSpan(text);
    if (interval <= 0) throw new Error(`timer schedule "${expression}": the interval must be positive`);
    return { expression: text, next: (after) => new Date(after.getTime() + interval) };
  }
  let cron: NcrontabSchedule;
  try {
    cron = NcrontabSchedule.parse(text);
  } catch (error) {
    throw new Error(`timer schedule "${expression}": ${(error as Error).message}`);
  }
  const zone = createZone(options.timeZone);
  return {
    expression: text,
    next(after) {
      let wall = zone.toWall(after);
      // A wall time may map to an instant at or before `after` when clocks go back; search on past it.
      for (;;) {
        const occurrence = cron.nextAfter(wall);
        if (!occurrence) return NEVER;
        const instant = zone.fromWall(occurrence);
        if (instant.getTime() > after.getTime()) return instant;
        wall = occurrence;
      }
    },
  };
}

/** The first `count` occurrences strictly after `from`. */
export function nextOccurrences(schedule: Schedule, from: Date, count: number): Date[] {
  const dates: Date[] = [];
  let cursor = from;
  for (let i = 0; i < count; i++) {
    cursor = schedule.next(cursor);
    dates.push(cursor);
  }
  return dates;
}

interface Zone {
  toWall(instant: Date): WallTime;
  fromWall(wall: WallTime): Date;
}

const utcWall = (d: Date): WallTime => ({
  year: d.getUTCFullYear(),
  month: d.getUTCMonth() + 1,
  day: d.getUTCDate(),
  hour: d.getUTCHours(),
  minute: d.getUTCMinutes(),
  second: d.getUTCSeconds(),
});
const wallAsUtc = (w: WallTime) => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);

function createZone(timeZone: string | undefined): Zone {
  if (!timeZone || timeZone.toUpperCase() === 'UTC') return { toWall: utcWall, fromWall: (w) => new Date(wallAsUtc(w)) };
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  } catch {
    throw new Error(`WEBSITE_TIME_ZONE "${timeZone}" is not a time zone this host knows (use an IANA name such as Europe/Berlin)`);
  }
  const toWall = (instant: Date): WallTime => {
    const part = (type: Intl.DateTimeFormatPartTypes) => Number(format.formatToParts(instant).find((p) => p.type === type)!.value);
    return { year: part('year'), month: part('month'), day: part('day'), hour: part('hour'), minute: part('minute'), second: part('second') };
  };
  const offset = (instant: number) => wallAsUtc(toWall(new Date(instant))) - Math.floor(instant / 1000) * 1000;
  return {
    toWall,
    fromWall(wall) {
      const guess = wallAsUtc(wall);
      const first = guess - offset(guess);
      const second = guess - offset(first);
      return new Date(second);
    },
  };
}
