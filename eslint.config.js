import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'dist-guest/', 'node_modules/', 'test-results/'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      // Type-aware rules: a floating promise or a promise handed to an event handler is a bug the types can see.
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
      // An async function without an await still returns a promise and turns a throw into a rejection:
      // the one-process stores implement the same async interfaces as the Redis ones, and say so with `async`.
      '@typescript-eslint/require-await': 'off',
      // Interfaces here describe closures that factories return, and callers pass their functions around
      // (`dispatch: calls.dispatch`): as properties, the types say they need no `this`.
      '@typescript-eslint/method-signature-style': ['error', 'property'],
    },
  },
  {
    // This file itself is plain JavaScript, outside the TypeScript project.
    files: ['eslint.config.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Vitest's asymmetric matchers (expect.any, expect.stringMatching) are typed any by design.
    files: ['**/*.test.ts'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
  {
    // The server logs through pino; scripts and tests print what a person asked to see.
    files: ['scripts/**', 'test/**', 'bench/**'],
    rules: { 'no-console': 'off' },
  },
);
