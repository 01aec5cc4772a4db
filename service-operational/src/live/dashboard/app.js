// The dashboard: the views (hash router), live state from a snapshot first, then Socket.IO events on top.
import { setApiKey } from './api.js';
import { createLiveSync } from './live-sync.js';
import { startRouter } from './router.js';
import { createStream } from './stream.js';
import { createOverview } from './views/overview.js';
import { createProductView } from './views/product.js';
import { createRecommendations } from './views/recommendations.js';
import { createStockView } from './views/stock.js';

const KEY_STORAGE = 'icc.apiKey';
const $ = (id) => document.getElementById(id);

class Unauthorized extends Error {}

/**
 * The key from the link's fragment (`#key=…`: a fragment is never sent to the server nor in a
 * Referer), else this tab's stored one. The key then leaves the address bar and history entry.
 * A `?key=` of an older link is taken the same way, so it does not linger in the address bar.
 */
function takeKey() {
  const url = new URL(window.location.href);
  const fragment = new URLSearchParams(url.hash.slice(1));
  const fromUrl = fragment.get('key') ?? url.searchParams.get('key');
  if (fromUrl !== null) {
    if (fromUrl) sessionStorage.setItem(KEY_STORAGE, fromUrl);
    fragment.delete('key');
    url.searchParams.delete('key');
    url.hash = fragment.toString();
    history.replaceState(null, '', url);
  }
  return sessionStorage.getItem(KEY_STORAGE);
}

function askForKey(message) {
  sessionStorage.removeItem(KEY_STORAGE);
  $('dashboard').hidden = true;
  $('views-nav').hidden = true;
  $('sign-out').hidden = true;
  $('key-form').hidden = false;
  $('key-error').hidden = !message;
  $('key-error').textContent = message ?? '';
  $('key-input').focus();
}

function setStatus(state, text) {
  $('status').dataset.state = state;
  $('status-text').textContent = text;
}

async function fetchSnapshot(key) {
  const response = await fetch('/api/live/snapshot', { headers: { 'x-api-key': key } });
  const body = await response.json().catch(() => ({}));
  if (response.status === 401) throw new Unauthorized(body.message ?? 'That API key was refused');
  if (!response.ok) throw new Error(body.message ?? `Snapshot failed with HTTP ${response.status}`);
  return body;
}

function start(key) {
  $('key-form').hidden = true;
  $('dashboard').hidden = false;
  $('views-nav').hidden = false;
  $('sign-out').hidden = false;
  setStatus('connecting', 'Connecting…');
  setApiKey(key);

  const stockView = createStockView($('view-stock'));
  const table = stockView.table;
  const recommendations = createRecommendations($('view-recommendations'));
  const stream = createStream($('stream'), { onChange: () => ($('stream-empty').hidden = $('stream').children.length > 0) });
  startRouter(
    {
      overview: createOverview($('view-overview')),
      recommendations,
      stock: stockView,
      product: createProductView($('view-product')),
    },
    'overview',
  );

  // `io` is the global that /dashboard/vendor/socket.io.min.js (the Socket.IO client) defines.
  const socket = window.io({ auth: { apiKey: key } });

  const sync = createLiveSync({
    loadSnapshot: () => fetchSnapshot(key),
    applySnapshot(snapshot) {
      // The stock view pages through the stock list itself: it reads its page again.
      stockView.reload();
      recommendations.refresh();
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
      else if (name === 'purchase-order:received') stream.receiptAdded(data.receipt);
      else if (name === 'recommendation:updated' || name === 'recommendation:created') recommendations.applyEvent(data);
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
        askForKey(error.message);
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
      askForKey(error.message);
    } else setStatus('offline', `Cannot reach the service (${error.message}) — retrying…`);
  });

  $('sign-out').onclick = () => {
    sessionStorage.removeItem(KEY_STORAGE);
    window.location.reload();
  };
}

$('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const key = $('key-input').value.trim();
  if (!key) return;
  sessionStorage.setItem(KEY_STORAGE, key);
  // A fresh page per key: no state of a previous key survives.
  window.location.reload();
});

const key = takeKey();
if (key) start(key);
else askForKey();
