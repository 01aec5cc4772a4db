/**
 * The import-boundary checker behind boundaries.test.ts: reads every import
 * specifier of a file with TypeScript's own pre-processor (static imports,
 * `export … from`, `import type`, dynamic `import('…')`, `require`), resolves
 * relative ones against the file's folder, and reports each import that crosses
 * a boundary. Pure over its inputs (file paths and specifiers), so the rules can
 * be tested on made-up import lists.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import ts from 'typescript';

/** One workspace package: its folder at the repository root and its public specifiers. */
export interface WorkspacePackage {
  /** Folder at the repository root, e.g. `service-analytics`. */
  dir: string;
  /** package.json `name`, e.g. `@icc/service-analytics`. */
  name: string;
  /** Every specifier its `exports` allow, e.g. `@icc/service-analytics`, `@icc/service-analytics/forecasting`. */
  entryPoints: string[];
}

/** service-analytics' pipeline rules (see the list at the top of boundaries.test.ts). */
export interface StageRules {
  /** The package holding the stages, e.g. `service-analytics`. */
  packageDir: string;
  /** Domain folders under `src/`, in pipeline order. */
  stages: string[];
  /** Files directly under `src/` that assemble the stages; no stage imports them. */
  assembly: string[];
  /** The stage that imports no other domain folder and no database driver. */
  pureStage: string;
  /** Bare specifiers the pure stage may not import (a prefix match on the package name). */
  databaseDrivers: string[];
  /** The HTTP platform folder, allowed only from `*.routes.ts` files. */
  platformFolder: string;
  /** Folders any stage may import. */
  shared: string[];
}

/** One import of one file: repository-relative posix path, the specifier as written, its line. */
export interface ImportRecord {
  file: string;
  specifier: string;
  line: number;
}

export interface Violation extends ImportRecord {
  reason: string;
}

/** Reads the workspace's packages and the entry points their package.json `exports` allow. */
export function readWorkspace(root: string, packageDirs: string[]): WorkspacePackage[] {
  return packageDirs.map((dir) => {
    const manifest = JSON.parse(readFileSync(posix.join(root, dir, 'package.json'), 'utf8')) as { name: string; exports?: Record<string, unknown> };
    const subpaths = Object.keys(manifest.exports ?? { '.': null });
    return { dir, name: manifest.name, entryPoints: subpaths.map((key) => (key === '.' ? manifest.name : `${manifest.name}${key.slice(1)}`)) };
  });
}

/** The package folders listed in pnpm-workspace.yaml (plain `- name` entries). */
export function readWorkspaceDirs(root: string): string[] {
  const yaml = readFileSync(posix.join(root, 'pnpm-workspace.yaml'), 'utf8');
  const block = /^packages:\s*\n((?:[ \t]+-[^\n]*\n?)+)/m.exec(yaml)?.[1] ?? '';
  return [...block.matchAll(/-\s*['"]?([^'"\s#]+)/g)].map((match) => match[1]!);
}

const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', 'dist-tools', 'coverage', 'test-artifacts', '.icc']);

/**
 * Every TypeScript file of a package, repository-relative. The package's own
 * vitest.config.ts is left out: it belongs to the root's tooling project
 * (tsconfig.tools.json) and imports ../vitest.shared.ts by design.
 */
export function packageSourceFiles(root: string, dir: string): string[] {
  const found: string[] = [];
  const walk = (relative: string): void => {
    for (const entry of readdirSync(posix.join(root, relative), { withFileTypes: true })) {
      const path = posix.join(relative, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) walk(path);
      } else if (entry.name.endsWith('.ts') && path !== `${dir}/vitest.config.ts`) {
        found.push(path);
      }
    }
  };
  walk(dir);
  return found.sort();
}

/** The import specifiers of one source text, with their 1-based lines. */
export function importsOf(file: string, source: string): ImportRecord[] {
  const { importedFiles } = ts.preProcessFile(source, true, true);
  const lineOf = (pos: number): number => source.slice(0, pos).split('\n').length;
  return importedFiles.map(({ fileName, pos }) => ({ file, specifier: fileName, line: lineOf(pos) }));
}

const packageOf = (file: string): string => file.split('/')[0]!;
const isRelative = (specifier: string): boolean => specifier === '.' || specifier === '..' || specifier.startsWith('./') || specifier.startsWith('../');

/** Rule (a): a relative import stays inside its package; an `@icc/x` specifier is one of x's exports. */
export function packageViolation(packages: WorkspacePackage[], record: ImportRecord): string | null {
  const own = packageOf(record.file);
  if (isRelative(record.specifier)) {
    const target = posix.normalize(posix.join(posix.dirname(record.file), record.specifier));
    if (target === own || target.startsWith(`${own}/`)) return null;
    const other = packages.find((pkg) => target === pkg.dir || target.startsWith(`${pkg.dir}/`));
    return other
      ? `reaches into ${other.dir}/ by a relative path; import ${other.name} (its package.json exports) instead`
      : `leaves package ${own}/ (resolves to ${target})`;
  }
  const target = packages.find((pkg) => record.specifier === pkg.name || record.specifier.startsWith(`${pkg.name}/`));
  if (target && !target.entryPoints.includes(record.specifier)) {
    return `${target.name} does not export '${record.specifier.slice(target.name.length) || '.'}'; its entry points are ${target.entryPoints.join(', ')}`;
  }
  return null;
}

/** Rule (b): service-analytics' stage order, the pure engine, and HTTP only from routes. */
export function stageViolation(rules: StageRules, record: ImportRecord): string | null {
  const srcDir = `${rules.packageDir}/src/`;
  if (!record.file.startsWith(srcDir)) return null;
  const [fromFolder, ...restOfPath] = record.file.slice(srcDir.length).split('/');
  const fromStage = rules.stages.indexOf(fromFolder!);
  if (fromStage < 0 || restOfPath.length === 0) return null;

  if (!isRelative(record.specifier)) {
    const driver = rules.databaseDrivers.find((name) => record.specifier === name || record.specifier.startsWith(`${name}/`));
    return fromFolder === rules.pureStage && driver ? `${rules.pureStage}/ is the pure engine: it may not import the database driver ${driver}` : null;
  }

  const target = posix.normalize(posix.join(posix.dirname(record.file), record.specifier));
  if (!target.startsWith(srcDir)) return null; // leaving src/ is rule (a)'s business
  const targetPath = target.slice(srcDir.length).split('/');
  const targetFolder = targetPath[0]!;
  if (targetFolder === fromFolder || rules.shared.includes(targetFolder)) return null;

  if (targetPath.length === 1) {
    const base = targetFolder.replace(/\.(js|ts)$/, '');
    return rules.assembly.includes(base) ? `src/${base}.ts assembles the stages; a stage (${fromFolder}/) may not import it` : null;
  }
  if (targetFolder === rules.platformFolder) {
    if (fromFolder === rules.pureStage) return `${rules.pureStage}/ is the pure engine: it imports no other folder (${targetFolder}/)`;
    return record.file.endsWith('.routes.ts')
      ? null
      : `only *.routes.ts files may import the HTTP platform (${targetFolder}/); ${fromFolder}/ domain code may not`;
  }
  const targetStage = rules.stages.indexOf(targetFolder);
  if (targetStage < 0) return null;
  if (fromFolder === rules.pureStage) return `${rules.pureStage}/ is the pure engine: it imports no other domain folder (${targetFolder}/)`;
  return targetStage > fromStage ? `stage ${fromFolder}/ imports the later stage ${targetFolder}/ (order: ${rules.stages.join(' → ')})` : null;
}

/** Every violation among the given imports, in input order. */
export function findViolations(packages: WorkspacePackage[], rules: StageRules, records: ImportRecord[]): Violation[] {
  return records.flatMap((record) => {
    const reasons = [packageViolation(packages, record), stageViolation(rules, record)].filter((reason): reason is string => reason !== null);
    return reasons.map((reason) => ({ ...record, reason }));
  });
}

/** One line per violation, for the failure message: `file:line → 'specifier': reason`. */
export function describeViolations(violations: Violation[]): string {
  return violations.map((v) => `${v.file}:${v.line} → '${v.specifier}': ${v.reason}`).join('\n');
}
