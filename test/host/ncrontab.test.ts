// NCRONTAB as the timer extension's NCrontab evaluates it: syntax accepted and rejected, and where the next
// occurrence lands (day-of-month AND day-of-week, 29-31 skipping short months, leap days, named values).
// Cases follow NCrontab's documented behaviour (README and its test suite's scenarios), restated here.
import { describe, expect, it } from 'vitest';
import { CronField, NcrontabSchedule } from '../../local/functions-host/timers/ncrontab';
import { nextOccurrences, NEVER, parseSchedule } from '../../local/functions-host/timers/schedule';

const next = (expression: string, from: string, count = 1) => nextOccurrences(parseSchedule(expression), new Date(`${from}Z`), count).map((d) => d.toISOString().replace('.000Z', ''));

describe('NCRONTAB syntax', () => {
  it.each([
    ['five fields (minutes first)', '*/5 * * * *'],
    ['six fields (seconds first)', '0 */5 * * * *'],
    ['lists, ranges and steps', '0 0,15,30-45/5 9-17 1-7,15 * *'],
    ['a value with a step runs to the maximum', '0 5/15 * * * *'],
    ['reversed ranges', '0 0 17-9 * * *'],
    ['month and day names, any case, as prefixes', '0 0 12 * jan,FEB,Mar-Jun,Augu mon-FRI'],
    ['single-letter prefixes (first match)', '0 0 12 * * M,W'],
    ['extra spaces between fields', ' 0  0  12 * * * '],
    ['a zero or negative step (treated as 1)', '*/0 * * * * *'],
  ])('accepts %s: %s', (_what, expression) => {
    expect(() => parseSchedule(expression)).not.toThrow();
  });

  it.each([
    ['L (last day)', '0 0 0 L * *'],
    ['W (nearest weekday)', '0 0 0 15W * *'],
    ['# (nth weekday)', '0 0 0 * * 1#2'],
    ['? (no specific value)', '0 0 0 ? * *'],
    ['H (hashed)', '0 H * * * *'],
    ['@daily macros', '@daily'],
    ['day of week 7 (NCrontab has 0-6)', '0 0 0 * * 7'],
    ['seconds above 59', '60 * * * * *'],
    ['day of month 0', '0 0 0 0 * *'],
    ['month 13', '0 0 0 1 13 *'],
    ['an empty list element', '0 0 1,,2 * * *'],
    ['a leading comma', '0 0 ,1 * * *'],
    ['a step without a number', '0 */ * * * *'],
    ['a non-numeric step', '0 1/Z * * * *'],
    ['a letter in a numeric field', '0 1,Z,3 * * * *'],
    ['an unknown name', '0 0 0 * * mon,bad,wed'],
    ['a non-numeric range end', '0 3-l2 * * * *'],
    ['a number too large for Int32', '0 0 0 * * 99999999999'],
    ['four fields', '* * * *'],
    ['seven fields (Quartz years)', '0 0 0 * * * 2030'],
    ['tabs as separators (NCrontab splits on spaces)', '0\t0\t0\t*\t*\t*'],
  ])('rejects %s: %s', (_what, expression) => {
    expect(() => parseSchedule(expression)).toThrow(/timer schedule/);
  });

  it('names the field and the bad part', () => {
    expect(() => parseSchedule('0 0 0 L * *')).toThrow(/'L' is not a valid \[Day\] crontab field expression/);
    expect(() => parseSchedule('0 0 0 * * 7')).toThrow(/7 is higher than the maximum allowable value for the \[DayOfWeek\] field/);
  });

  it('expands fields as NCrontab does', () => {
    expect(CronField.parse('Minute', '10-40/15').values()).toEqual([10, 25, 40]);
    expect(CronField.parse('Month', '*/2').values()).toEqual([1, 3, 5, 7, 9, 11]);
    expect(CronField.parse('Hour', '5-2').values()).toEqual([2, 3, 4, 5]);
    expect(CronField.parse('Second', '50/5').values()).toEqual([50, 55]);
    expect(CronField.parse('Month', 'Mar,Jan,Aug').values()).toEqual([1, 3, 8]);
    expect(CronField.parse('DayOfWeek', 'Fri,Mon-Tue').values()).toEqual([1, 2, 5]);
    expect(CronField.parse('DayOfWeek', 'T,Th,S').values()).toEqual([0, 2, 4]);
    expect(NcrontabSchedule.parse('* * * * *').includesSeconds).toBe(false);
  });
});

describe('NCRONTAB occurrences', () => {
  it('steps through minutes, hours, days and years (five fields)', () => {
    expect(next('* * * * *', '2003-01-01T00:59:00')).toEqual(['2003-01-01T01:00:00']);
    expect(next('* * * * *', '2003-12-31T23:59:00')).toEqual(['2004-01-01T00:00:00']);
    expect(next('* * * * *', '2004-02-28T23:59:00')).toEqual(['2004-02-29T00:00:00']);
    expect(next('2/5 * * * *', '2003-01-01T00:57:00')).toEqual(['2003-01-01T01:02:00']);
    expect(next('45-47,48,49 * * * *', '2003-01-01T00:49:00')).toEqual(['2003-01-01T01:45:00']);
  });

  it('honours the seconds field (six fields)', () => {
    expect(next('2/5 * * * * *', '2003-01-01T00:00:57')).toEqual(['2003-01-01T00:01:02']);
    expect(next('9 2/5 * * * *', '2003-01-01T00:57:30')).toEqual(['2003-01-01T01:02:09']);
    expect(next('* 0-1 10 * * *', '2021-02-24T09:50:35')).toEqual(['2021-02-24T10:00:00']);
  });

  it('skips months without day 29-31 (15,30,31 never lands on February 30)', () => {
    expect(next('0 0 15,30,31 * *', '2000-01-31T00:00:00', 4)).toEqual(['2000-02-15T00:00:00', '2000-03-15T00:00:00', '2000-03-30T00:00:00', '2000-03-31T00:00:00']);
    expect(next('0 0 15,30,31 * *', '2000-04-30T00:00:00')).toEqual(['2000-05-15T00:00:00']);
  });

  it('finds leap days', () => {
    expect(next('1 12 29 2 *', '2000-02-29T12:01:00', 2)).toEqual(['2004-02-29T12:01:00', '2008-02-29T12:01:00']);
  });

  it('combines day of month AND day of week (a Monday that is the 1st), unlike Vixie cron’s OR', () => {
    // Vixie cron (and cron-parser) would fire on every Monday and every 1st: 2003-01-06 first.
    expect(next('45 16 1 * Mon', '2003-01-01T12:00:00', 2)).toEqual(['2003-09-01T16:45:00', '2003-12-01T16:45:00']);
    expect(next('0 0 12 13 * 5', '2026-01-01T00:00:00')).toEqual(['2026-02-13T12:00:00']);
  });

  it('takes day-of-week names and numbers alike', () => {
    expect(next('30 6 * * sunday', '2003-06-26T10:00:00')).toEqual(['2003-06-29T06:30:00']);
    expect(next('15 18 * * Mon', '2003-06-30T18:15:00')).toEqual(['2003-07-07T18:15:00']);
    expect(next('0 30 9 * * 1-5', '2026-11-27T10:00:00')).toEqual(['2026-11-30T09:30:00']);
  });

  it('takes month names', () => {
    expect(next('10 * * February,April-Jun *', '2002-07-01T05:00:00')).toEqual(['2003-02-01T00:10:00']);
    expect(next('20 * * january,FeB,Mar,april,May,JuNE,July,Augu,SEPT-October,Nov,DECEM *', '1988-03-11T14:23:00')).toEqual(['1988-03-11T15:20:00']);
  });

  it('never fires a schedule with no occurrence (February 31st), without looping forever', () => {
    expect(parseSchedule('0 0 0 31 Feb *').next(new Date('2026-01-01T00:00:00Z'))).toEqual(NEVER);
  });

  it('is strictly after the given time, ignoring its fraction of a second', () => {
    expect(next('* * * * * *', '2026-11-23T20:00:00.500')).toEqual(['2026-11-23T20:00:01']);
    expect(next('0 0 * * * *', '2026-11-23T20:00:00')).toEqual(['2026-11-23T21:00:00']);
  });

  it('evaluates on the wall clock of WEBSITE_TIME_ZONE, across daylight saving time', () => {
    const berlin = (from: string, count: number) => nextOccurrences(parseSchedule('0 0 9 * * *', { timeZone: 'Europe/Berlin' }), new Date(from), count).map((d) => d.toISOString());
    // Clocks go forward on 2026-03-29: 09:00 is 08:00Z before and 07:00Z after.
    expect(berlin('2026-03-28T00:00:00Z', 2)).toEqual(['2026-03-28T08:00:00.000Z', '2026-03-29T07:00:00.000Z']);
    expect(() => parseSchedule('0 0 9 * * *', { timeZone: 'Not/AZone' })).toThrow(/WEBSITE_TIME_ZONE/);
  });
});
