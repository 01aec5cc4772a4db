import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Response, type Router } from 'express';

/**
 * The dashboard's files are plain browser JS/CSS kept in src/ (no build step);
 * tsc does not copy them, so a compiled dist/ build still serves them from src/.
 */
export function dashboardDirectory(): string {
  const candidates = ['./dashboard/', '../../../src/live/dashboard/'].map((relative) => fileURLToPath(new URL(relative, import.meta.url)));
  const found = candidates.find((directory) => existsSync(`${directory}index.html`));
  if (!found) throw new Error(`Dashboard files not found in ${candidates.join(' or ')}`);
  return found;
}

/**
 * The dashboard's responses send no Referer onwards: until the dashboard signs in another way, the
 * page may be opened with a key in its address (in the fragment, which browsers never send, but
 * older `?key=` links exist), and no request the page makes should carry that address.
 */
function noReferrer(res: Response): void {
  res.set('Referrer-Policy', 'no-referrer');
}

/** The folder of the Socket.IO browser client shipped with the server package (its `exports` name only package.json). */
function socketIoClientDirectory(): string {
  return join(dirname(createRequire(import.meta.url).resolve('socket.io/package.json')), 'client-dist');
}

/** The folder of uPlot's browser build (the product view's chart), a dependency of this package. */
function uPlotDirectory(): string {
  return join(dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist');
}

/** The vendored browser files served under /dashboard/vendor/: URL name → [folder, file]. */
function vendorFiles(): Record<string, [string, string]> {
  const uPlot = uPlotDirectory();
  return {
    'socket.io.min.js': [socketIoClientDirectory(), 'socket.io.min.js'],
    'uPlot.iife.min.js': [uPlot, 'uPlot.iife.min.js'],
    'uPlot.min.css': [uPlot, 'uPlot.min.css'],
  };
}

/** `GET /` → the dashboard (overview, recommendations, stock, product views); its assets under `/dashboard/`. The page asks for an API key itself. */
export function dashboardRouter(): Router {
  const directory = dashboardDirectory();
  const router = express.Router();
  router.get('/', (_req, res) => {
    noReferrer(res);
    res.set('Cache-Control', 'no-cache').sendFile('index.html', { root: directory });
  });
  // Browsers and tools that ignore the page's <link rel="icon"> still ask for /favicon.ico: the same SVG.
  router.get('/favicon.ico', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=86400').type('image/svg+xml').sendFile('favicon.svg', { root: directory });
  });
  // As a root, not a path: the package sits under node_modules/.pnpm, and `send` refuses dot-folders in a path.
  for (const [name, [root, file]] of Object.entries(vendorFiles())) {
    router.get(`/dashboard/vendor/${name}`, (_req, res) => {
      noReferrer(res);
      res.set('Cache-Control', 'no-cache').sendFile(file, { root });
    });
  }
  router.use(
    '/dashboard',
    express.static(directory, {
      index: false,
      setHeaders: (res) => {
        noReferrer(res);
        res.set('Cache-Control', 'no-cache');
      },
    }),
  );
  return router;
}
