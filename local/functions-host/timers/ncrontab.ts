// NCRONTAB as the timer extension evaluates it (it uses NCrontab by Atif Aziz, github.com/atifaziz/NCrontab):
// six fields `{second} {minute} {hour} {day} {month} {day-of-week}` or five without seconds, separated by
// spaces. A field is `*`, a value, a range `a-b` (reversed ranges are swapped), `*\/n`, `a-b/n`, `a/n` (from a
// to the maximum) or a comma list of those. Months and days of week also take names, matched as
// case-insensitive prefixes (`Jan`, `JUNE`, `Augu`, `mon`). Day of week is 0-6, Sunday 0 (no 7), and a time
// matches only when it matches every field: day of month AND day of week, not Vixie cron's OR. Nothing
// else is NCRONTAB: `L`, `W`, `#`, `?`, `H` and macros such as `@daily` are rejected, as NCrontab rejects them.
//
// The next-occurrence search follows NCrontab's CrontabSchedule.GetNextOccurrence, field by field with the
// same carries, so edge cases (days 29-31, leap years) land where NCrontab lands.

export type FieldKind = 'Second' | 'Minute' | 'Hour' | 'Day' | 'Month' | 'DayOfWeek';

interface FieldSpec {
  kind: FieldKind;
  min: number;
  max: number;
  names?: readonly string[];
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const SPECS: readonly FieldSpec[] = [
  { kind: 'Second', min: 0, max: 59 },
  { kind: 'Minute', min: 0, max: 59 },
  { kind: 'Hour', min: 0, max: 23 },
  { kind: 'Day', min: 1, max: 31 },
  { kind: 'Month', min: 1, max: 12, names: MONTHS },
  { kind: 'DayOfWeek', min: 0, max: 6, names: DAYS },
];

export class NcrontabError extends Error {
  override name = 'NcrontabError';
}

/** The set of values one field allows. */
export class CronField {
  readonly #spec: FieldSpec;
  readonly #bits: boolean[];
  #first = Number.POSITIVE_INFINITY;
  #last = -1;

  private constructor(spec: FieldSpec) {
    this.#spec = spec;
    this.#bits = new Array<boolean>(spec.max - spec.min + 1).fill(false);
  }

  static parse(kind: FieldKind, text: string): CronField {
    const field = new CronField(SPECS.find((s) => s.kind === kind)!);
    try {
      field.#parse(text);
    } catch (error) {
      throw new NcrontabError(`'${text}' is not a valid [${kind}] crontab field expression: ${(error as Error).message}`);
    }
    return field;
  }

  /** The smallest allowed value, -1 if none. */
  get first(): number {
    return Number.isFinite(this.#first) ? this.#first : -1;
  }

  /** The smallest allowed value >= start, or -1. */
  next(start: number): number {
    if (start < this.#first) return this.#first;
    for (let value = start; value <= this.#last; value++) if (this.#bits[value - this.#spec.min]) return value;
    return -1;
  }

  has(value: number): boolean {
    return this.#bits[value - this.#spec.min] === true;
  }

  /** The allowed values, ascending. */
  values(): number[] {
    return this.#bits.flatMap((on, i) => (on ? [i + this.#spec.min] : []));
  }

  #parse(text: string): void {
    if (text.length === 0) throw new Error('a crontab field value cannot be empty');
    // A list (the comma must not lead; an empty element is an error).
    if (text.indexOf(',') > 0) {
      for (const part of text.split(',')) this.#parse(part);
      return;
    }
    let step: number | undefined;
    let body = text;
    const slash = body.indexOf('/');
    if (slash > 0) {
      step = parseInteger(body.slice(slash + 1));
      body = body.slice(0, slash);
    }
    if (body === '*') return this.#add(-1, -1, step ?? 1);
    const dash = body.indexOf('-');
    if (dash > 0) return this.#add(this.#value(body.slice(0, dash)), this.#value(body.slice(dash + 1)), step ?? 1);
    const value = this.#value(body);
    if (step !== undefined) this.#add(value, this.#spec.max, step);
    else this.#add(value, value, 1);
  }

  #value(text: string): number {
    if (text.length === 0) throw new Error('a crontab field value cannot be empty');
    if (text[0]! >= '0' && text[0]! <= '9') return parseInteger(text);
    const { names, kind, min, max } = this.#spec;
    if (!names) throw new Error(`'${text}' is not a valid [${kind}] value; it must be a number from ${min} to ${max}`);
    const lower = text.toLowerCase();
    const index = names.findIndex((name) => name.toLowerCase().startsWith(lower));
    if (index < 0) throw new Error(`'${text}' is not a known value name; use one of ${names.join(', ')}`);
    return index + min;
  }

  /** Adds start..end every `step`; -1 for both is the whole range (a wildcard). */
  #add(start: number, end: number, step: number): void {
    const { min, max, kind } = this.#spec;
    const above = (value: number) => new Error(`${value} is higher than the maximum allowable value for the [${kind}] field (${min}-${max})`);
    const below = (value: number) => new Error(`${value} is lower than the minimum allowable value for the [${kind}] field (${min}-${max})`);
    if (start === end) {
      if (start < 0) {
        start = min;
        end = max;
      } else if (start < min) throw below(start);
      else if (start > max) throw above(start);
    } else {
      if (start > end) [start, end] = [end, start];
      if (start < 0) start = min;
      else if (start < min) throw below(start);
      if (end < 0) end = max;
      else if (end > max) throw above(end);
    }
    const interval = Math.max(step, 1);
    let value = start;
    for (; value <= end; value += interval) this.#bits[value - min] = true;
    this.#first = Math.min(this.#first, start);
    this.#last = Math.max(this.#last, value - interval);
  }
}

/** .NET int.Parse: optional sign, digits, within Int32. */
function parseInteger(text: string): number {
  if (!/^[+-]?\d+$/.test(text)) throw new Error(`'${text}' is not a number`);
  const value = Number(text);
  if (value > 2_147_483_647 || value < -2_147_483_648) throw new Error(`'${text}' is out of range`);
  return value;
}

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
const dayOfWeek = (t: WallTime) => new Date(Date.UTC(t.year, t.month - 1, t.day)).getUTCDay();
/** DateTime.MaxValue's year: NCrontab stops searching beyond it. */
const MAX_YEAR = 9999;

export class NcrontabSchedule {
  private constructor(
    readonly expression: string,
    readonly includesSeconds: boolean,
    private readonly seconds: CronField,
    private readonly minutes: CronField,
    private readonly hours: CronField,
    private readonly days: CronField,
    private readonly months: CronField,
    private readonly daysOfWeek: CronField,
  ) {}

  /** Six fields (with seconds) or five; anything else throws an NcrontabError. */
  static parse(expression: string): NcrontabSchedule {
    const tokens = expression.split(' ').filter((t) => t.length > 0);
    if (tokens.length !== 6 && tokens.length !== 5) {
      throw new NcrontabError(
        `'${expression}' is an invalid crontab expression: expected 6 NCRONTAB fields ({second} {minute} {hour} {day} {month} {day-of-week}), or 5 without seconds.`,
      );
    }
    const withSeconds = tokens.length === 6;
    const [s, ...rest] = withSeconds ? tokens : ['0', ...tokens];
    const kinds: FieldKind[] = ['Minute', 'Hour', 'Day', 'Month', 'DayOfWeek'];
    const fields = rest.map((token, i) => CronField.parse(kinds[i]!, token));
    return new NcrontabSchedule(expression, withSeconds, CronField.parse('Second', s!), fields[0]!, fields[1]!, fields[2]!, fields[3]!, fields[4]!);
  }

  /** The first occurrence strictly after `base` (whole seconds; the fraction is ignored), or undefined past year 9999. */
  nextAfter(base: WallTime): WallTime | undefined {
    let from = base;
    for (;;) {
      const candidate = this.#nextDate(from);
      if (!candidate) return undefined;
      // Day of week is checked last: on a miss the search goes on from the end of that day.
      if (this.daysOfWeek.has(dayOfWeek(candidate))) return candidate;
      from = { year: candidate.year, month: candidate.month, day: candidate.day, hour: 23, minute: 59, second: 59 };
    }
  }

  #nextDate(base: WallTime): WallTime | undefined {
    const { seconds, minutes, hours, days, months } = this;
    let { year, month, day, hour, minute } = base;
    let second = seconds.next(base.second + 1);
    if (second === -1) {
      second = seconds.first;
      minute++;
    }
    minute = minutes.next(minute);
    if (minute === -1) {
      second = seconds.first;
      minute = minutes.first;
      hour++;
    } else if (minute > base.minute) second = seconds.first;

    hour = hours.next(hour);
    if (hour === -1) {
      minute = minutes.first;
      hour = hours.first;
      day++;
    } else if (hour > base.hour) {
      second = seconds.first;
      minute = minutes.first;
    }

    day = days.next(day);
    for (;;) {
      if (day === -1) {
        second = seconds.first;
        minute = minutes.first;
        hour = hours.first;
        day = days.first;
        month++;
      } else if (day > base.day) {
        second = seconds.first;
        minute = minutes.first;
        hour = hours.first;
      }

      month = months.next(month);
      if (month === -1) {
        second = seconds.first;
        minute = minutes.first;
        hour = hours.first;
        day = days.first;
        month = months.first;
        year++;
      } else if (month > base.month) {
        second = seconds.first;
        minute = minutes.first;
        hour = hours.first;
        day = days.first;
      }
      if (year > MAX_YEAR) return undefined;
      // Days 29-31 may not exist in the month reached: then the day/month search runs again.
      const dateChanged = day !== base.day || month !== base.month || year !== base.year;
      if (day > 28 && dateChanged && day > daysInMonth(year, month)) {
        day = -1;
        continue;
      }
      return { year, month, day, hour, minute, second };
    }
  }
}
