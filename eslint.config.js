import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

// The dependency direction of ../shared/ARCHITECTURE.md: the node's own parts (kernel) never
// import a capability, the composition root or the CLI; a capability never imports the
// composition root, and reaches another capability only through what that one exports for
// others (its services, rules, schemas, descriptor), never its repositories, tables or migrations.
const KERNEL = ['store', 'http', 'audit', 'auth', 'federation', 'crypto', 'util', 'config', 'node'].map((d) => `./src/${d}`);
const KERNEL_FILES = ['./src/context.ts', './src/capability.ts', './src/errors.ts'];
const CAPABILITIES = ['groups', 'directory', 'notifications', 'cases', 'evidence', 'intel', 'norms'];
const ROOT = ['./src/app', './src/cli'];

const dependencyZones = [
  {
    target: [...KERNEL, ...KERNEL_FILES],
    from: [...CAPABILITIES.map((c) => `./src/${c}`), ...ROOT],
    message: 'the node\'s own parts never import a capability or the composition root (capabilities plug in through src/app/capabilities.ts)',
  },
  ...CAPABILITIES.map((c) => ({ target: `./src/${c}`, from: ROOT, message: 'a capability never imports the composition root or the CLI' })),
  ...CAPABILITIES.flatMap((c) =>
    CAPABILITIES.filter((o) => o !== c).map((o) => ({
      target: `./src/${c}`,
      from: [`./src/${o}/**/*.repository.ts`, `./src/${o}/**/*.tables.ts`, `./src/${o}/migrations/**`],
      message: `${c} reaches ${o}'s data only through ${o}'s exported functions (services), never its repository, tables or migrations`,
    })),
  ),
];

// The web app's direction (web/README.md): shared/ uses only api/ and i18n/; a capability may use
// shared/, auth/, node/ and federation/ but never app/ nor another capability; api/ and i18n/ use neither.
const WEB_CAPABILITIES = ['node', 'auth', 'audit', 'federation', 'groups', 'directory', 'cases', 'notifications', 'evidence'];
const WEB_FOUNDATION = ['auth', 'node', 'federation'];
const web = (d) => `./web/src/${d}`;
const webZones = [
  { target: ['api', 'i18n'].map(web), from: ['shared', 'app', ...WEB_CAPABILITIES].map(web), message: 'api/ and i18n/ import nothing of the app' },
  { target: web('shared'), from: ['app', ...WEB_CAPABILITIES].map(web), message: 'shared/ imports only api/ and i18n/' },
  ...WEB_CAPABILITIES.map((c) => ({ target: web(c), from: web('app'), message: 'a capability never imports app/ (only app/ knows every capability)' })),
  ...WEB_CAPABILITIES.map((c) => ({
    target: web(c),
    from: WEB_CAPABILITIES.filter((o) => o !== c && !WEB_FOUNDATION.includes(o)).map(web),
    message: `${c} may use shared/, auth/, node/ and federation/, not another capability`,
  })),
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'data/**', 'bench/**/*.js', 'bin/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.ts', 'web/src/**/*.ts', 'web/src/**/*.tsx'],
    ignores: ['**/*.test.ts'],
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver': undefined,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      // Type-only imports are erased and do not count; a value cycle fails the check.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'import-x/no-restricted-paths': ['error', { zones: dependencyZones }] },
  },
  {
    files: ['web/src/**/*.ts', 'web/src/**/*.tsx'],
    plugins: { 'import-x': importX },
    rules: { 'import-x/no-restricted-paths': ['error', { zones: webZones }] },
  },
  {
    // Browsers lack locale data for some UI languages (Chromium has no Uzbek): dates go through
    // web/src/i18n/format.ts, which ships its own. Intl.DateTimeFormat() without arguments
    // (reading the browser's time zone) formats nothing and stays allowed.
    files: ['web/src/**/*.ts', 'web/src/**/*.tsx'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.object.name='Intl'][callee.property.name=/^(DateTimeFormat|RelativeTimeFormat)$/]", message: 'format dates with web/src/i18n/format.ts' },
        { selector: "CallExpression[callee.object.name='Intl'][callee.property.name=/^(DateTimeFormat|RelativeTimeFormat)$/][arguments.length>0]", message: 'format dates with web/src/i18n/format.ts' },
        { selector: 'CallExpression[callee.property.name=/^toLocale(Date|Time)?String$/]', message: 'format dates with web/src/i18n/format.ts' },
      ],
    },
  },
);
