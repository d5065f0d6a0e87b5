// Bundles the web chat with esbuild: web/src/main.ts (and marked, DOMPurify) into one app.<hash>.js,
// beside index.html and styles.<hash>.css. No CDN: everything the page loads is in these files. The
// content hash in the names lets a host cache them forever (index.html names the current ones).
//   tsx web/build.ts [--out dist/web]   writes the files (npm run build puts them in the deploy package)
//   bundleWeb()                          the same files in memory (local/web serves them)
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
    entryPoints: { app: path.join(WEB, 'src/main.ts') },
    outdir: path.join(WEB, 'out'),
    entryNames: '[name].[hash]',
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
  let script = '';
  for (const file of result.outputFiles) {
    const name = `/${path.basename(file.path)}`;
    if (name.endsWith('.js')) script = name.slice(1);
    assets.set(name, { contentType: name.endsWith('.js') ? 'text/javascript; charset=utf-8' : name.endsWith('.map') ? 'application/json' : 'text/plain; charset=utf-8', body: file.contents });
  }
  const css = readFileSync(path.join(WEB, 'styles.css'));
  const styles = `styles.${createHash('sha256').update(css).digest('hex').slice(0, 8).toUpperCase()}.css`;
  assets.set(`/${styles}`, { contentType: 'text/css; charset=utf-8', body: css });
  const html = readFileSync(path.join(WEB, 'index.html'), 'utf8');
  const linked = html.replace('href="styles.css"', `href="${styles}"`).replace('src="app.js"', `src="${script}"`);
  if (!linked.includes(styles) || !linked.includes(script)) throw new Error('web/index.html no longer links styles.css and app.js');
  assets.set('/index.html', { contentType: 'text/html; charset=utf-8', body: Buffer.from(linked) });
  return assets;
}

async function main(): Promise<void> {
  const outIndex = process.argv.indexOf('--out');
  const out = path.resolve(outIndex > 0 ? process.argv[outIndex + 1]! : path.join(WEB, '../dist/web'));
  // Only the current hashed files: a previous build's would ship too.
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const [name, asset] of await bundleWeb()) writeFileSync(path.join(out, name.slice(1)), asset.body);
  console.log(`built the web chat into ${path.relative(process.cwd(), out) || '.'}`);
}

if (require.main === module) void main();
