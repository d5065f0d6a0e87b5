// What the benchmark ran on, for the report.
import os from 'node:os';
import type { MachineInfo } from './results';

export function machineInfo(): MachineInfo {
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: os.availableParallelism(),
    memory_gb: os.totalmem() / 1024 ** 3,
    node: process.versions.node,
    os: `${os.type()} ${os.release()}`,
    load_avg: os.loadavg(),
  };
}
