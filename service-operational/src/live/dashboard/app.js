// The dashboard: the views (hash router), live state from a snapshot first, then Socket.IO events on top.
import { createLiveSync } from './live-sync.js';
import { startRouter } from './router.js';
import { loadSession } from './session.js';
import { createStream } from './stream.js';
import { createAlerts } from './views/alerts.js';
import { createOverview } from './views/overview.js';
import { createPlanner } from './views/planner.js';
import { createProductView } from './views/product.js';
import { createReceiving } from './views/receiving.js';
import { createRecommendations } from './views/recommendations.js';
import { createStockView } from './views/stock.js';

const $ = (id) => document.getElementById(id);
/** Sent on every write: with the session cookie, the server refuses writes without it (CSRF). */
const CSRF = { 'x-icc-csrf': '1' };

class Unauthorized extends Error {}

/** Not signed in (or no longer): to the sign-in page, without leaving this page in the history. */
function toSignIn() {
  window.location.replace('/signin');
}

/**
 * Deprecated: links of older versions carried the key (`#key=…`, `?key=…`). It is taken out of
 * the address bar at once and exchanged for a session cookie; `pnpm start` prints a one-time
 * sign-in link instead. False when the key was refused.
 */
async function exchangeLegacyKey() {
  const url = new URL(window.location.href);
  const fragment = new URLSearchParams(url.hash.slice(1));
  const key = fragment.get('key') ?? url.searchParams.get('key');
  if (key === null) return true;
  fragment.delete('key');
  url.searchParams.delete('key');
  url.hash = fragment.toString();
  history.replaceState(null, '', url);
  const response = await fetch('/api/session', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', ...CSRF },
    body: JSON.stringify({ apiKey: key }),
  });
  return response.ok;
}

function setStatus(state, text) {
  $('status').dataset.state = state;
  $('status-text').textContent = text;
}

async function fetchSnapshot() {
  const response = await fetch('/api/live/snapshot', { credentials: 'same-origin' });
  const body = await response.json().catch(() => ({}));
  if (response.status === 401) throw new Unauthorized(body.message ?? 'Not signed in');
  if (!response.ok) throw new Error(body.message ?? `Snapshot failed with HTTP ${response.status}`);
  return body;
}

function start() {
  $('dashboard').hidden = false;
  $('views-nav').hidden = false;
  $('sign-out').hidden = false;
  setStatus('connecting', 'Connecting…');

  const stockView = createStockView($('view-stock'));
  const table = stockView.table;
  const recommendations = createRecommendations($('view-recommendations'));
  const alerts = createAlerts($('view-alerts'));
  const receiving = createReceiving($('view-receiving'));
  const stream = createStream($('stream'), { onChange: () => ($('stream-empty').hidden = $('stream').children.length > 0) });
  startRouter(
    {
      overview: createOverview($('view-overview')),
      alerts,
      recommendations,
      stock: stockView,
      receiving,
      planner: createPlanner($('view-planner')),
      product: createProductView($('view-product')),
    },
    'overview',
  );

  // `io` is the global that /dashboard/vendor/socket.io.min.js (the Socket.IO client) defines.
  // It signs in by the session cookie, which the browser sends with the handshake.
  const socket = window.io();

  const sync = createLiveSync({
    loadSnapshot: () => fetchSnapshot(),
    applySnapshot(snapshot) {
      // The stock view pages through the stock list itself: it reads its page again.
      stockView.reload();
      recommendations.refresh();
      alerts.refresh();
      stream.replaceAll(snapshot.recentOrders, snapshot.recentReceipts);
      if (socket.connected) setStatus('live', 'Live');
    },
    applyEvent(name, data) {
      if (name === 'stock:updated') {
        for (const position of data.positions) {
          // The newest movement of this row in the event: the tie-breaker when two share a timestamp.
          const ids = data.movements
            .filter((m) => m.sku === position.sku && m.locationCode === position.locationCode)
            .map((m) => m.id)
            .sort();
          table.update(position, ids.at(-1));
        }
      } else if (name === 'order:created') stream.orderCreated(data.order);
      else if (name === 'order:status') stream.orderStatus(data);
      else if (name === 'purchase-order:received') {
        stream.receiptAdded(data.receipt);
        receiving.refresh();
      } else if (name === 'recommendation:updated' || name === 'recommendation:created') recommendations.applyEvent(data);
      else if (name.startsWith('alert:')) alerts.applyEvent(name, data);
    },
    onSeq(seq) {
      $('seq').textContent = String(seq);
      document.body.dataset.seq = String(seq);
    },
    onResync(reason) {
      // Counted on the page so people (and tests) can see how often it had to catch up.
      document.body.dataset.resyncs = String(Number(document.body.dataset.resyncs ?? 0) + 1);
      setStatus('syncing', `Loading current state (${reason})…`);
    },
    onError(error) {
      if (error instanceof Unauthorized) {
        socket.close();
        toSignIn();
        return false;
      }
      setStatus('error', `${error.message} — retrying`);
      return true;
    },
  });

  // Every event of the tenant's room carries the one live sequence: all go through the sync, so an
  // event no view shows is no gap either.
  socket.onAny((name, envelope) => sync.receive(name, envelope));
  socket.on('connect', () => {
    // A recovered session got its missed events replayed; otherwise the snapshot is the only safe start.
    if (socket.recovered) setStatus('live', 'Live (reconnected)');
    else void sync.resync('connected').then(() => socket.connected && setStatus('live', 'Live'));
  });
  socket.on('disconnect', (reason) => setStatus('offline', `Disconnected (${reason}) — reconnecting…`));
  socket.on('connect_error', (error) => {
    if (error.data?.code === 'UNAUTHORIZED') {
      socket.close();
      toSignIn();
    } else setStatus('offline', `Cannot reach the service (${error.message}) — retrying…`);
  });

  $('sign-out').onclick = async () => {
    socket.close();
    await fetch('/api/session', { method: 'DELETE', credentials: 'same-origin', headers: CSRF }).catch(() => undefined);
    toSignIn();
  };
}

/** The session's roles and currency first (the views hide what the key cannot do); not signed in → sign in. */
async function boot() {
  if (!(await exchangeLegacyKey())) return toSignIn();
  try {
    await loadSession();
  } catch (error) {
    if (error.status === 401) return toSignIn();
    // Anything else: the views still work; actions the key cannot do answer 403 with the reason.
  }
  start();
}

await boot();
