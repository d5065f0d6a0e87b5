import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderConfigTable, TABLE_END, TABLE_START } from '../../src/config-docs';
import { settingsSchema } from '../../src/config';

describe('README configuration table', () => {
  const readme = readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
  const documented = readme.slice(readme.indexOf(TABLE_START) + TABLE_START.length, readme.indexOf(TABLE_END)).trim();

  it('is the table generated from the config schema (run `npm run docs:config`)', () => {
    expect(documented).toBe(renderConfigTable());
  });

  it('documents every setting with a description', () => {
    for (const [name, schema] of Object.entries(settingsSchema.shape)) {
      expect(documented, name).toContain(`| \`${name}\` |`);
      expect(schema.description, name).toBeTruthy();
    }
  });
});
