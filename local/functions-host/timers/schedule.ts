// Timer schedules as the Functions host reads them: NCRONTAB with six fields
// ({second} {minute} {hour} {day} {month} {day-of-week}; five-field minute schedules also accepted) evaluated
// by cron-parser, or a TimeSpan (`hh:mm:ss`) meaning a constant interval. Occurrences are strictly after `after`.
import { CronExpressionParser } from 'cron-parser';
import { parseTimeSpan } from '../host-json';

export interface Schedule {
  readonly expression: string;
  next(after: Date): Date;
}

export function parseSchedule(expression: string, options: { timeZone?: string } = {}): Schedule {
  const text = expression.trim();
  if (/^(\d+\.)?\d{1,2}:\d{1,2}(:\d{1,2}(\.\d+)?)?$/.test(text)) {
    const interval = parseTimeSpan(text);
    if (interval <= 0) throw new Error(`timer schedule "${expression}": the interval must be positive`);
    return { expression: text, next: (after) => new Date(after.getTime() + interval) };
  }
  const fields = text.split(/\s+/).length;
  if (fields !== 6 && fields !== 5) throw new Error(`timer schedule "${expression}": expected 6 NCRONTAB fields ({second} {minute} {hour} {day} {month} {day-of-week})`);
  const tz = options.timeZone ?? 'UTC';
  const at = (after: Date) => CronExpressionParser.parse(text, { currentDate: after, tz }).next().toDate();
  try {
    at(new Date());
  } catch (error) {
    throw new Error(`timer schedule "${expression}": ${(error as Error).message}`);
  }
  return { expression: text, next: at };
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
