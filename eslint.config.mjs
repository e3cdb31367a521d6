// ESLint flat config for the whole repository (`npm run lint`).
//
// TypeScript is linted with type information from the same two programs `npm run typecheck` builds
// (tsconfig.typecheck.json: lib, src and test of every workspace; tsconfig.typecheck.runtime.json:
// every lambda-src and bin-src), so it needs no build and no generated per-package tsconfig.json.
// JavaScript (scripts, benchmarks, jest configs, small CLIs) gets ESLint's recommended rules.
// Formatting is Prettier's job: eslint-config-prettier, last, turns off every rule it would fight.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const unusedVars = [
  'error',
  {
    args: 'after-used',
    argsIgnorePattern: '^_',
    varsIgnorePattern: '^_',
    caughtErrorsIgnorePattern: '^_',
    destructuredArrayIgnorePattern: '^_',
    ignoreRestSiblings: true,
  },
];

export default tseslint.config(
  {
    // Generated output and installed code. jsii writes lib/**/*.js and *.d.ts next to the sources;
    // esbuild bundles lambda-src into lambda/ and bin-src into bin/; jsii-pacmak writes dist/ (and the
    // Python sources under it); cdk writes cdk.out.
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/cdk.out/**',
      '**/.jsii',
      '**/*.d.ts',
      'packages/*/lib/**/*.js',
      'packages/*/lambda/**',
      'packages/*/bin/**',
      // A copy of ../shared/bench/equivalent-app.js, the hand-written floor (kept as written there).
      'bench/synth/handwritten.cjs',
      '**/coverage/**',
      '**/.cdk.staging/**',
      'bench/synth/profiles/**',
      // A consumer's app, compiled strictly by its own tsconfig against the packed packages (npm run examples).
      'examples/**',
    ],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },

  // JavaScript: Node scripts (ESM .mjs, CommonJS .cjs and .js).
  {
    files: ['**/*.{js,mjs,cjs}'],
    extends: [js.configs.recommended],
    languageOptions: { ecmaVersion: 2022, globals: { ...globals.node } },
    rules: { 'no-unused-vars': unusedVars },
  },
  {
    files: ['**/*.{js,cjs}'],
    languageOptions: { sourceType: 'commonjs' },
  },

  // TypeScript, type-aware.
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.typecheck.json', './tsconfig.typecheck.runtime.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': unusedVars,
      // A handler or CLI that drops a promise loses its error: every promise is awaited, returned or
      // handed to something that handles it (`void` marks the deliberate exceptions).
      '@typescript-eslint/no-floating-promises': 'error',
      // @ts-ignore silences the compiler for good; @ts-expect-error fails once the error is gone.
      '@typescript-eslint/ban-ts-comment': [
        'error',
        { 'ts-ignore': true, 'ts-nocheck': true, 'ts-expect-error': 'allow-with-description', minimumDescriptionLength: 10 },
      ],
      // Off on purpose: the code reads CloudFormation templates, IAM policy documents, CDK `resolve()`
      // output and JSON payloads as `any` (aws-cdk-lib types them so: `Template.toJSON()`,
      // `CfnResource` properties), and validates their shape at run time. Typing them is its own
      // refactor; until then these rules would flag ~2,900 lines (about 2,600 of them in tests).
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // The recommended options, plus the classes that declare a toString() for messages.
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        {
          allowAny: true,
          allowBoolean: true,
          allowNullish: true,
          allowNumber: true,
          allowRegExp: true,
          allow: [
            { from: 'lib', name: ['Error', 'URL', 'URLSearchParams'] },
            { from: 'file', name: 'EncryptionMode', path: 'packages/s3-encryption/lib/encryption-mode.ts' },
          ],
        },
      ],
      // Messages and tests match indentation literally ("\n  - field"): two spaces read better than ` {2}`.
      'no-regex-spaces': 'off',
    },
  },
  {
    files: ['**/test/**/*.ts'],
    rules: {
      // Test doubles implement async interfaces (SDK clients, database sessions, sleep) with bodies
      // that have nothing to await.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // jsii compiles the published packages' lib/ against the ES2020 library, whose Error constructor
    // takes no options: `new Error(message, { cause })` fails the jsii build there. The cause's
    // message goes into the new error's message instead.
    files: ['packages/*/lib/**/*.ts'],
    rules: { 'preserve-caught-error': 'off' },
  },
  {
    // Jest setup files run with jest's globals.
    files: ['jest.*.js'],
    languageOptions: { globals: { ...globals.jest } },
  },

  prettier,
);
