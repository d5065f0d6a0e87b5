// ESLint flat config: typescript-eslint's recommended rules over every TypeScript folder.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', '.deploy/**', 'node_modules/**', '.data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // The config module is the only reader of the environment.
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read settings through src/config.ts.' }],
    },
  },
  {
    files: ['local/**', 'test/**', 'bench/**', 'scripts/**', 'src/config.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
