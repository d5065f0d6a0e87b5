// Deploy bundle figures: the size of scripts/build.mjs's dist/main.js, the size of the same bundle minified
// (built here with the same esbuild options plus minify), and the cold load time of the entry in fresh processes.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { summarize, type Summary } from '../stats';

const ROOT = path.resolve(__dirname, '../..');

export interface BundleFigures {
  bundle_bytes: number;
  minified_bytes: number;
  load_ms: Summary;
  /** Resident memory of a fresh process right after loading the entry (median). */
  loaded_rss_bytes: number;
}

export async function measureBundle(env: Record<string, string>, loads = 5): Promise<BundleFigures> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-bundle-'));
  try {
    const minified = path.join(dir, 'main.min.js');
    await build({
      entryPoints: [path.join(ROOT, 'src/main.ts')],
      outfile: minified,
      bundle: true,
      minify: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      external: ['@azure/functions-core'],
      define: { 'import.meta.url': '__bundleUrl' },
      banner: { js: 'var __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
      logLevel: 'error',
    });
    const times: number[] = [];
    const rss: number[] = [];
    for (let i = 0; i < loads; i++) {
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(__dirname, 'load-entry.ts'), path.join(ROOT, 'dist/main.js')], {
        cwd: ROOT,
        env: { ...process.env, ...env },
      });
      const loaded = JSON.parse(stdout.trim().split('\n').pop()!) as { load_ms: number; rss_bytes: number };
      times.push(loaded.load_ms);
      rss.push(loaded.rss_bytes);
    }
    return { bundle_bytes: statSync(path.join(ROOT, 'dist/main.js')).size, minified_bytes: statSync(minified).size, load_ms: summarize(times), loaded_rss_bytes: summarize(rss).p50 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
