/**
 * Architecture cross-check, independent of ESLint (eslint.config.js carries the
 * same rules for the editor). Every import of every package's TypeScript files
 * (sources, specs, test/, scripts, journeys) is checked against:
 *
 * (a) Packages talk through their public entry points only.
 *     - A relative import never leaves its package (`../../service-analytics/src/…` from
 *       scripts/ or tests/ is a violation).
 *     - `@icc/<package>[/<subpath>]` must be one of that package's package.json `exports`
 *       (`@icc/service-analytics/forecasting` yes, `@icc/service-analytics/src/…` no).
 *
 * (b) service-analytics reads top to bottom in pipeline order:
 *         cdc → facts → features → forecasting → forecasts → planning → dashboard
 *     - A file in one of these folders never imports a later one.
 *     - Nor src/pipeline.ts, app.ts, server.ts or main.ts (they assemble the stages).
 *     - forecasting/ is the pure engine: it imports no other domain folder and no
 *       database driver (mongodb, mongoose, …).
 *     - Only `*.routes.ts` files may import the HTTP platform (http/).
 *     - util/ may be imported from anywhere.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  describeViolations,
  findViolations,
  importsOf,
  packageSourceFiles,
  readWorkspace,
  readWorkspaceDirs,
  type ImportRecord,
  type StageRules,
  type WorkspacePackage,
} from './import-boundaries.js';

const SERVICE_ANALYTICS_RULES: StageRules = {
  packageDir: 'service-analytics',
  stages: ['cdc', 'facts', 'features', 'forecasting', 'forecasts', 'planning', 'dashboard'],
  assembly: ['pipeline', 'app', 'server', 'main'],
  pureStage: 'forecasting',
  databaseDrivers: ['mongodb', 'mongoose', 'mongodb-memory-server-core', '@icc/embedded-mongo'],
  platformFolder: 'http',
  shared: ['util'],
};

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('import boundaries of the workspace', () => {
  it('has no import that reaches into another package or runs against the pipeline order', () => {
    const packages = readWorkspace(root, readWorkspaceDirs(root));
    const files = packages.flatMap((pkg) => packageSourceFiles(root, pkg.dir));
    const imports = files.flatMap((file) => importsOf(file, readFileSync(`${root}${file}`, 'utf8')));

    // Guards against a scan that silently finds nothing (a moved root, a broken walk).
    expect(packages.map((pkg) => pkg.dir)).toContain('service-analytics');
    expect(files).toContain('service-analytics/src/pipeline.ts');
    expect(imports.length).toBeGreaterThan(1000);

    const violations = findViolations(packages, SERVICE_ANALYTICS_RULES, imports);
    expect(violations.length, `${violations.length} import(s) cross a boundary:\n${describeViolations(violations)}\n`).toBe(0);
  });
});

describe('the boundary checker', () => {
  const packages: WorkspacePackage[] = [
    { dir: 'shared', name: '@icc/shared', entryPoints: ['@icc/shared'] },
    { dir: 'scripts', name: '@icc/scripts', entryPoints: ['@icc/scripts'] },
    { dir: 'tests', name: '@icc/tests', entryPoints: ['@icc/tests'] },
    { dir: 'service-analytics', name: '@icc/service-analytics', entryPoints: ['@icc/service-analytics', '@icc/service-analytics/forecasting'] },
  ];
  const check = (file: string, specifier: string) => findViolations(packages, SERVICE_ANALYTICS_RULES, [{ file, specifier, line: 1 }]);
  const reasonsOf = (file: string, specifier: string) => check(file, specifier).map((v) => v.reason);

  it('reads static, type-only, re-exported and dynamic imports with their lines', () => {
    const source = [
      "import { a } from './a.js';",
      "import type { B } from '../b.js';",
      "export { c } from '@icc/shared';",
      'const d = await import("../../service-analytics/src/pipeline.js");',
    ].join('\n');
    expect(importsOf('scripts/src/x.ts', source)).toEqual<ImportRecord[]>([
      { file: 'scripts/src/x.ts', specifier: './a.js', line: 1 },
      { file: 'scripts/src/x.ts', specifier: '../b.js', line: 2 },
      { file: 'scripts/src/x.ts', specifier: '@icc/shared', line: 3 },
      { file: 'scripts/src/x.ts', specifier: '../../service-analytics/src/pipeline.js', line: 4 },
    ]);
  });

  it("flags a relative import into another package's sources", () => {
    expect(reasonsOf('scripts/src/forecast-bench/job-run.ts', '../../../service-analytics/src/forecasts/forecast-runner.js')).toEqual([
      'reaches into service-analytics/ by a relative path; import @icc/service-analytics (its package.json exports) instead',
    ]);
    expect(reasonsOf('tests/support/cdc.ts', '../../service-analytics/src/pipeline.js')).toHaveLength(1);
    expect(reasonsOf('shared/src/x.ts', '../../vitest.shared.js')).toEqual(['leaves package shared/ (resolves to vitest.shared.js)']);
  });

  it("flags a deep @icc specifier that is not one of the package's exports", () => {
    expect(reasonsOf('scripts/src/x.ts', '@icc/service-analytics/src/pipeline.js')).toEqual([
      "@icc/service-analytics does not export '/src/pipeline.js'; its entry points are @icc/service-analytics, @icc/service-analytics/forecasting",
    ]);
    expect(reasonsOf('tests/journeys/x.test.ts', '@icc/service-analytics/testing')).toHaveLength(1);
  });

  it('allows exports, relative imports inside the package and third-party packages', () => {
    expect(check('scripts/src/x.ts', '@icc/service-analytics/forecasting')).toEqual([]);
    expect(check('scripts/src/x.ts', '@icc/shared')).toEqual([]);
    expect(check('scripts/bench/x.bench.ts', '../src/bench-kit/report.js')).toEqual([]);
    expect(check('scripts/src/x.ts', 'mongodb')).toEqual([]);
    expect(check('service-analytics/test/x.test.ts', '../src/pipeline.js')).toEqual([]);
  });

  it('flags a stage importing a later stage, and allows earlier stages and util/', () => {
    expect(reasonsOf('service-analytics/src/facts/record-facts.ts', '../features/feature-queue.js')).toEqual([
      'stage facts/ imports the later stage features/ (order: cdc → facts → features → forecasting → forecasts → planning → dashboard)',
    ]);
    expect(reasonsOf('service-analytics/src/cdc/x.ts', '../planning/reorder.js')).toHaveLength(1);
    expect(reasonsOf('service-analytics/src/forecasts/sub/x.ts', '../../planning/reorder.js')).toHaveLength(1);
    expect(check('service-analytics/src/forecasts/forecast-runner.ts', '../features/feature-queue.js')).toEqual([]);
    expect(check('service-analytics/src/planning/x.ts', '../forecasts/forecast-store.js')).toEqual([]);
    expect(reasonsOf('service-analytics/src/planning/x.ts', '../dashboard/dashboard-summary.js')).toHaveLength(1);
    expect(check('service-analytics/src/dashboard/x.ts', '../planning/planning.collections.js')).toEqual([]);
    expect(check('service-analytics/src/cdc/x.ts', '../util/sleep.js')).toEqual([]);
    expect(check('service-analytics/src/cdc/x.ts', './cdc.types.js')).toEqual([]);
  });

  it('flags a stage importing the files that assemble the stages', () => {
    expect(reasonsOf('service-analytics/src/cdc/profiled-pipeline.ts', '../pipeline.js')).toEqual([
      'src/pipeline.ts assembles the stages; a stage (cdc/) may not import it',
    ]);
    for (const assembly of ['../app.js', '../server.js', '../main.js']) {
      expect(check('service-analytics/src/planning/x.ts', assembly)).toHaveLength(1);
    }
  });

  it('keeps forecasting/ pure: no other domain, no database driver', () => {
    expect(reasonsOf('service-analytics/src/forecasting/models/x.ts', '../../features/daily-series.js')).toEqual([
      'forecasting/ is the pure engine: it imports no other domain folder (features/)',
    ]);
    expect(reasonsOf('service-analytics/src/forecasting/x.ts', 'mongodb')).toEqual([
      'forecasting/ is the pure engine: it may not import the database driver mongodb',
    ]);
    expect(check('service-analytics/src/forecasting/x.ts', '../http/errors.js')).toHaveLength(1);
    expect(check('service-analytics/src/forecasting/models/x.ts', '../metrics.js')).toEqual([]);
    expect(check('service-analytics/src/forecasting/x.ts', 'simple-statistics')).toEqual([]);
  });

  it('lets only *.routes.ts files import the HTTP platform', () => {
    expect(reasonsOf('service-analytics/src/forecasts/what-if.ts', '../http/errors.js')).toEqual([
      'only *.routes.ts files may import the HTTP platform (http/); forecasts/ domain code may not',
    ]);
    expect(check('service-analytics/src/forecasts/forecast.routes.ts', '../http/errors.js')).toEqual([]);
    expect(check('service-analytics/src/http/platform.routes.ts', '../forecasts/forecast-store.js')).toEqual([]);
  });

  it('names file, line and import in its report', () => {
    const violations = findViolations(packages, SERVICE_ANALYTICS_RULES, [
      { file: 'tests/support/cdc.ts', specifier: '../../service-analytics/src/pipeline.js', line: 2 },
    ]);
    expect(describeViolations(violations)).toBe(
      "tests/support/cdc.ts:2 → '../../service-analytics/src/pipeline.js': reaches into service-analytics/ by a relative path; import @icc/service-analytics (its package.json exports) instead",
    );
  });
});
