// Bundles the web chat with esbuild: web/src/main.ts (and marked, DOMPurify) into one app.js,
// beside index.html and styles.css. No CDN: everything the page loads is in these files.
//   tsx web/build.ts [--out dist/web]   writes the files (for a static host)
//   bundleWeb()                          the same files in memory (local/web serves them)
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const WEB = __dirname;

export interface WebAsset {
  contentType: string;
  body: Uint8Array;
}

/** URL path (`/app.js`) → content. */
export type WebAssets = Map<string, WebAsset>;

export async function bundleWeb(options: { minify?: boolean } = {}): Promise<WebAssets> {
  const result = await build({
    entryPoints: [path.join(WEB, 'src/main.ts')],
    outfile: path.join(WEB, 'out/app.js'),
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'iife',
    target: ['es2022', 'chrome120', 'firefox120', 'safari17'],
    minify: options.minify ?? true,
    sourcemap: 'linked',
    legalComments: 'linked',
    logLevel: 'warning',
  });
  const assets: WebAssets = new Map();
  for (const file of result.outputFiles) {
    const name = `/${path.basename(file.path)}`;
    assets.set(name, { contentType: name.endsWith('.js') ? 'text/javascript; charset=utf-8' : name.endsWith('.map') ? 'application/json' : 'text/plain; charset=utf-8', body: file.contents });
  }
  assets.set('/index.html', { contentType: 'text/html; charset=utf-8', body: readFileSync(path.join(WEB, 'index.html')) });
  assets.set('/styles.css', { contentType: 'text/css; charset=utf-8', body: readFileSync(path.join(WEB, 'styles.css')) });
  return assets;
}

async function main(): Promise<void> {
  const outIndex = process.argv.indexOf('--out');
  const out = path.resolve(outIndex > 0 ? process.argv[outIndex + 1]! : path.join(WEB, '../dist/web'));
  mkdirSync(out, { recursive: true });
  for (const [name, asset] of await bundleWeb()) writeFileSync(path.join(out, name.slice(1)), asset.body);
  console.log(`built the web chat into ${path.relative(process.cwd(), out) || '.'}`);
}

if (require.main === module) void main();
