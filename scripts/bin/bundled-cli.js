/**
 * Start a scripts/ CLI from a cached bundle instead of through tsx.
 *
 *   node scripts/bin/bundled-cli.js forecast-csv <args…>   (what `pnpm forecast-csv` runs)
 *   node scripts/bin/bundled-cli.js forecast-eval <args…>
 *
 * Why: tsx starts a second node process, a loader thread and esbuild's service
 * and resolves every workspace source through its hooks — about 1 s of CPU per
 * call, and again in every worker thread — while the CLI itself needs ~0.2 s.
 * Here esbuild bundles the CLIs and their worker entries (workspace sources by
 * the `source` condition, as tsx would) once into scripts/node_modules/.cache,
 * and every later call imports the bundle directly. The bundle is rebuilt when
 * any file it was built from, this file or pnpm-lock.yaml is newer than it, so
 * an edit shows on the next call as it does under tsx. Plain JavaScript, as it
 * runs before anything is compiled.
 */
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SCRIPTS = fileURLToPath(new URL('..', import.meta.url));
const CACHE = join(SCRIPTS, 'node_modules', '.cache', 'bundled-cli');
/** The pointer to the current bundle: replaced by a rename, so a reader never sees half a build. */
const CURRENT = join(CACHE, 'current.json');

/** Bundle entries: each CLI and the worker modules it starts (found beside its chunk, see series-set/worker-pool.ts). */
const ENTRIES = {
  'forecast-csv': 'forecast-csv.ts',
  'forecast-worker': 'src/forecast-csv/forecast-worker.ts',
  'forecast-eval': 'forecast-eval.ts',
  'eval-worker': 'src/forecast-eval/eval-worker.ts',
};
const CLIS = ['forecast-csv', 'forecast-eval'];
/** Files outside the bundle's inputs whose change must rebuild it. */
const ALSO_WATCHED = [fileURLToPath(import.meta.url), join(SCRIPTS, '..', 'pnpm-lock.yaml')];

const cli = process.argv[2];
if (!CLIS.includes(cli ?? '')) {
  process.stderr.write(`usage: bundled-cli.js <${CLIS.join('|')}> [arguments]\n`);
  process.exit(2);
}
const bundle = (await currentBundle()) ?? (await buildBundle());
// The CLI reads its own arguments from process.argv.slice(2), as when tsx runs it.
process.argv.splice(2, 1);
process.setSourceMapsEnabled(true);
await import(pathToFileURL(join(bundle, `${cli}.js`)).href);

/** The current bundle's directory when no file it depends on changed since it was built, else undefined. */
async function currentBundle() {
  let current;
  try {
    current = JSON.parse(await readFile(CURRENT, 'utf8'));
  } catch {
    return undefined;
  }
  const files = [...current.inputs, ...ALSO_WATCHED];
  const times = await Promise.all(
    files.map((file) =>
      stat(file).then(
        (s) => s.mtimeMs,
        () => Number.POSITIVE_INFINITY,
      ),
    ),
  );
  return times.every((t) => t < current.startedAt) ? current.directory : undefined;
}

async function buildBundle() {
  const { build } = await import('esbuild');
  const startedAt = Date.now();
  const directory = join(CACHE, `${startedAt}-${process.pid}`);
  const result = await build({
    absWorkingDir: SCRIPTS,
    entryPoints: ENTRIES,
    outdir: directory,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    conditions: ['source'],
    // Piscina starts its own worker script by a path inside its package: it must stay a package.
    external: ['piscina'],
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    // Bundled CommonJS packages (commander, csv-parse…) call require() for node's modules.
    banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
  });
  const inputs = Object.keys(result.metafile.inputs).map((input) => join(SCRIPTS, input));
  await mkdir(CACHE, { recursive: true });
  const next = `${CURRENT}.${process.pid}`;
  await writeFile(next, JSON.stringify({ directory, startedAt, inputs }));
  await rename(next, CURRENT);
  await removeOlderBundles(directory);
  return directory;
}

/** Earlier builds, left for a process that may still be importing from one; best effort. */
async function removeOlderBundles(keep) {
  const hourAgo = Date.now() - 3_600_000;
  for (const name of await readdir(CACHE)) {
    const path = join(CACHE, name);
    if (path === keep || path === CURRENT) continue;
    const built = Number(name.split('-')[0]);
    if (Number.isFinite(built) && built < hourAgo) await rm(path, { recursive: true, force: true });
  }
}
