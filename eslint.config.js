// ESLint for the whole workspace: type-aware typescript-eslint over every package's
// TypeScript (sources, specs, test/, scripts/, tests/, the vitest configs), plain-JS
// rules for the dashboard's browser scripts and embedded-mongo's bin, and the
// architecture's import boundaries (no-restricted-imports). Formatting is Prettier's
// job: eslint-config-prettier comes last so the two never disagree.
//
// The same boundaries are checked independently, with exact path resolution, by
// tests/architecture/boundaries.test.ts; this file is the fast editor-time copy.
import { readFileSync } from 'node:fs';
import js from '@eslint/js';
import prettier from 'eslint-config-prettier/flat';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const root = new URL('.', import.meta.url);

/** The workspace packages (pnpm-workspace.yaml), each a folder at the root. */
const PACKAGES = ['shared', 'embedded-mongo', 'service-operational', 'service-analytics', 'scripts', 'tests'];

/** service-analytics' domain folders in pipeline order: a stage may import earlier stages only. */
const STAGES = ['cdc', 'facts', 'features', 'forecasting', 'forecasts', 'planning', 'dashboard'];
/** Files that assemble the stages; no stage imports them. */
const ASSEMBLY = ['pipeline', 'app', 'server', 'main'];
/** The pure forecasting engine talks to no database. */
const DATABASE_DRIVERS = ['mongodb', 'mongoose', 'mongodb-memory-server-core', '@icc/embedded-mongo'];

/**
 * `@icc/x/sub` specifiers allowed: exactly the subpath keys of each package's
 * package.json `exports` (read here, so a new export needs no edit of this file).
 */
const exportedSubpaths = PACKAGES.flatMap((pkg) => {
  const manifest = JSON.parse(readFileSync(new URL(`${pkg}/package.json`, root), 'utf8'));
  return Object.keys(manifest.exports ?? {})
    .filter((key) => key !== '.')
    .map((key) => `${manifest.name}${key.slice(1)}`);
});

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const oneOf = (names) => `(?:${names.map(escape).join('|')})`;

/** Rules every file in a package obeys: stay out of other packages' insides. */
const PACKAGE_PATTERNS = [
  {
    // Going up out of one package and down into another (`../../service-analytics/src/...`).
    regex: `^(?:\\.\\./)+${oneOf(PACKAGES)}(?:/|$)`,
    message: "Import another package through its package name and one of its package.json 'exports', not by a relative path.",
  },
  {
    regex: exportedSubpaths.length > 0 ? `^@icc/(?!${oneOf(exportedSubpaths.map((s) => s.slice('@icc/'.length)))}$)[^/]+/` : '^@icc/[^/]+/',
    message: `Only a package's 'exports' are public: ${['@icc/<package>', ...exportedSubpaths].join(', ')}.`,
  },
];

const restrictImports = (...patterns) => ['error', { patterns: [...PACKAGE_PATTERNS, ...patterns] }];

/** The relative path of a sibling folder of the current stage (`../facts/x.js`, `../../facts/x.js` from a subfolder). */
const siblingFolder = (names) => `^(?:\\.\\./)+${oneOf(names)}(?:/|$)`;

const assemblyPattern = {
  regex: `^(?:\\.\\./)+${oneOf(ASSEMBLY)}(?:\\.js)?$`,
  message: 'pipeline.ts, app.ts, server.ts and main.ts assemble the stages; a stage never imports them.',
};
const httpPattern = {
  regex: siblingFolder(['http']),
  message: 'Only *.routes.ts files may use the HTTP platform (http/); domain code stays framework-free.',
};

/** no-restricted-imports blocks for service-analytics' domain folders. */
const stageBlocks = STAGES.flatMap((stage, index) => {
  const later = STAGES.slice(index + 1);
  const forbidden =
    stage === 'forecasting'
      ? [
          {
            regex: siblingFolder([...STAGES.filter((s) => s !== stage), 'http']),
            message: 'forecasting/ is the pure engine: it imports no other domain folder.',
          },
          ...DATABASE_DRIVERS.map((name) => ({ regex: `^${escape(name)}(?:/|$)`, message: 'forecasting/ is the pure engine: no database.' })),
        ]
      : later.length > 0
        ? [{ regex: siblingFolder(later), message: `Stages run ${STAGES.join(' → ')}; ${stage}/ may not import a later stage.` }]
        : [];
  const files = [`service-analytics/src/${stage}/**/*.ts`];
  return [
    { name: `boundaries/service-analytics/${stage}`, files, rules: { 'no-restricted-imports': restrictImports(...forbidden, assemblyPattern, httpPattern) } },
    {
      name: `boundaries/service-analytics/${stage}/routes`,
      files: [`service-analytics/src/${stage}/**/*.routes.ts`],
      rules: { 'no-restricted-imports': restrictImports(...forbidden, assemblyPattern) },
    },
  ];
});

export default defineConfig(
  {
    name: 'ignores',
    ignores: ['**/node_modules/', '**/dist/', '**/dist-tools/', '**/coverage/', '**/test-artifacts/', '**/.icc/'],
  },
  {
    name: 'linter-options',
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  {
    name: 'typescript',
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        // Each file is checked in the tsconfig that owns it (the package's, or
        // tsconfig.tools.json for the vitest configs via the root solution file),
        // the way an editor's TypeScript server does, sources of referenced
        // projects included: no build needed before linting.
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
      globals: globals.node,
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          args: 'after-used',
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      // The code base writes `import { x, type Y }`; verbatimModuleSyntax already requires the marker.
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
      // Under verbatimModuleSyntax `import { type A } from 'x'` still loads 'x'; `import type { A }` does not.
      '@typescript-eslint/no-import-type-side-effects': 'error',
      'no-restricted-imports': restrictImports(),
      // Off by choice: Fastify handlers, Socket.IO acks and the fakes of async interfaces are
      // async by contract even when they have nothing to await; the hazard the rule hints at
      // (a promise nobody waits for) is what no-floating-promises and no-misused-promises catch.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests read HTTP bodies and driver results as untyped JSON and pin their shape
    // with expect(); typing each one first would add noise, not safety. vitest's
    // expect(obj.method) is not an unbound call.
    name: 'typescript/tests',
    files: ['**/*.spec.ts', '**/*.test.ts', '*/test/**/*.ts', 'tests/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  ...stageBlocks,
  {
    // The per-package vitest configs belong to the root's tooling project
    // (tsconfig.tools.json) and share ../vitest.shared.ts by design.
    name: 'vitest-configs',
    files: ['*/vitest.config.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    name: 'javascript/node',
    files: ['**/*.js'],
    languageOptions: { globals: globals.node },
  },
  {
    // The live dashboard's scripts run in the browser as plain ES modules; no tsconfig owns them.
    name: 'javascript/dashboard',
    files: ['service-operational/src/live/dashboard/**/*.js'],
    languageOptions: { sourceType: 'module', globals: globals.browser },
  },
  prettier,
);
