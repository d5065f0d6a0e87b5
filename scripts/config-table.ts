// Prints the README's configuration table from the config schema (`npm run docs:config -- --write` updates README.md).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderConfigTable, replaceConfigTable } from '../src/config-docs';

const table = renderConfigTable();
if (process.argv.includes('--write')) {
  const readme = path.resolve(__dirname, '../README.md');
  writeFileSync(readme, replaceConfigTable(readFileSync(readme, 'utf8'), table));
  console.log('README.md configuration table updated');
} else {
  console.log(table);
}
