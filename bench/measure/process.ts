// Resource figures of one process from /proc (Linux): peak and current resident memory, CPU time.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

export interface ProcessSample {
  /** VmHWM: peak resident set since the process started, in bytes. */
  peakRssBytes: number;
  rssBytes: number;
  /** utime + stime, in ms. */
  cpuMs: number;
}

export function sampleProcess(pid: number): ProcessSample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { peakRssBytes: kb('VmHWM'), rssBytes: kb('VmRSS'), cpuMs: cpuMsFromStat(readFileSync(`/proc/${pid}/stat`, 'utf8'), clockTicks()) };
}

/** utime + stime (fields 14 and 15 of /proc/<pid>/stat) in ms; the command name may contain spaces. */
export function cpuMsFromStat(stat: string, ticks: number): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so utime (14) is fields[11] and stime (15) fields[12].
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticks;
}

/** Samples the process every `everyMs` and keeps the highest current RSS seen. */
export function watchProcess(pid: number, everyMs = 250) {
  const first = sampleProcess(pid);
  let peakRss = first.rssBytes;
  const timer = setInterval(() => {
    try {
      peakRss = Math.max(peakRss, sampleProcess(pid).rssBytes);
    } catch {
      // the process went away; stop() reports what was seen
    }
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      const last = sampleProcess(pid);
      return { rssAtStartBytes: first.rssBytes, peakRssBytes: Math.max(peakRss, last.rssBytes), lifetimePeakRssBytes: last.peakRssBytes, cpuMs: last.cpuMs - first.cpuMs };
    },
  };
}
