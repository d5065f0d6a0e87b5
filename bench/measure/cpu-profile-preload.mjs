// Preloaded into the Functions host with `--profile-host` (NODE_OPTIONS=--import ..., since --cpu-prof is not
// allowed there): records a V8 CPU profile and writes it to BENCH_PROFILE_DIR when the host exits.
import fs from 'node:fs';
import inspector from 'node:inspector';
import path from 'node:path';

if (process.argv.some((arg) => arg.includes('functions-host'))) {
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.start');
  process.on('exit', () => {
    session.post('Profiler.stop', (error, result) => {
      if (error) return;
      const dir = process.env.BENCH_PROFILE_DIR || '.';
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `host-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
