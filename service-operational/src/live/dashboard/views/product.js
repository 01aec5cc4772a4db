// Product: stock per location (every bucket), demand history with the stored forecast and its
// interval band on one uPlot chart (stock-out days marked), the model and its accuracy, and the
// open purchase orders. uPlot is loaded on the first visit only, so the first view stays small.
import { api, query, ApiError } from '../api.js';
import { loadUPlot } from '../charts.js';
import { format, h, notice } from '../dom.js';

const HISTORY_DAYS = 90;
const BUCKETS = ['onHand', 'reserved', 'available', 'onOrder', 'inTransit', 'damaged', 'reorderPoint'];
const BUCKET_LABELS = {
  onHand: 'On hand',
  reserved: 'Reserved',
  available: 'Available',
  onOrder: 'On order',
  inTransit: 'In transit',
  damaged: 'Damaged',
  reorderPoint: 'Reorder point',
};
const DAY_MS = 86_400_000;

const dayKey = (date) => date.toISOString().slice(0, 10);
const toSeconds = (key) => Date.parse(`${key}T00:00:00Z`) / 1000;

/** `null` for a 404 (no forecast yet, no accuracy yet), the error otherwise. */
async function optional(path) {
  try {
    return await api(path);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

function stockTable(stock) {
  return h(
    'table',
    { id: 'product-stock' },
    h('caption', { class: 'visually-hidden' }, 'Stock per location'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Location'),
        BUCKETS.map((b) => h('th', { scope: 'col', class: 'num' }, BUCKET_LABELS[b])),
      ),
    ),
    h(
      'tbody',
      {},
      stock.locations.map((p) =>
        h(
          'tr',
          { class: p.lowStock ? 'low-stock' : null, dataset: { location: p.locationCode } },
          h('th', { scope: 'row' }, p.locationCode),
          BUCKETS.map((b) => h('td', { class: 'num', dataset: { field: b } }, format.int(p[b]))),
        ),
      ),
    ),
    h(
      'tfoot',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'row' }, 'Total'),
        BUCKETS.map((b) => h('td', { class: 'num' }, b === 'reorderPoint' ? '' : format.int(stock.totals[b]))),
      ),
    ),
  );
}

/** One x axis of days: the history's, then the forecast's; each series null where it has no value. */
function chartData(history, forecast) {
  const days = new Map();
  const row = (key) => {
    if (!days.has(key)) days.set(key, { demand: null, stockOut: null, forecast: null, lower: null, upper: null });
    return days.get(key);
  };
  for (const d of history) {
    const r = row(d.date);
    r.demand = d.quantityDemanded;
    if (d.stockOut) r.stockOut = d.quantityDemanded;
  }
  for (const p of forecast?.predictions ?? []) Object.assign(row(p.date), { forecast: p.quantity, lower: p.lowerBound, upper: p.upperBound });
  const keys = [...days.keys()].sort();
  const pick = (field) => keys.map((k) => days.get(k)[field]);
  return [keys.map(toSeconds), pick('demand'), pick('stockOut'), pick('forecast'), pick('lower'), pick('upper')];
}

async function drawChart(container, history, forecast) {
  const uPlot = await loadUPlot();
  const width = Math.max(320, container.clientWidth - 8);
  const options = {
    width,
    height: 280,
    scales: { x: { time: true } },
    series: [
      { label: 'Day' },
      { label: 'Demand', stroke: '#2563eb', width: 1.5 },
      { label: 'Stock-out day', stroke: '#b42318', width: 0, points: { show: true, size: 7, fill: '#b42318' } },
      { label: 'Forecast', stroke: '#15803d', width: 2, dash: [6, 4] },
      { label: 'Lower bound', stroke: 'rgba(21,128,61,0.35)', width: 1 },
      { label: 'Upper bound', stroke: 'rgba(21,128,61,0.35)', width: 1 },
    ],
    bands: [{ series: [5, 4], fill: 'rgba(21,128,61,0.12)' }],
    axes: [{}, { label: 'units / day' }],
  };
  container.replaceChildren();
  return new uPlot(options, chartData(history, forecast), container);
}

function accuracyBlock(forecast, accuracy) {
  if (!forecast) return notice('No stored forecast for this product yet.');
  const model = accuracy?.byModel.find((m) => m.modelType === forecast.modelUsed);
  return h(
    'dl',
    { class: 'facts', id: 'product-model' },
    h('dt', {}, 'Model'),
    h('dd', { dataset: { field: 'model' } }, forecast.modelUsed),
    h('dt', {}, 'Demand class'),
    h('dd', {}, forecast.demandClass),
    h('dt', {}, 'Forecast made'),
    h('dd', {}, forecast.forecastDate),
    h('dt', {}, 'Interval'),
    h('dd', {}, `${format.percent(forecast.confidence)}${forecast.intervalsReliable ? '' : ' (too few errors to be sure)'}`),
    h('dt', {}, 'Accuracy (MAPE / MASE)'),
    h(
      'dd',
      { dataset: { field: 'accuracy' } },
      model ? `${format.num(model.mape)} % / ${format.num(model.mase)} over ${model.daysScored} days` : 'not scored yet',
    ),
    h('dt', {}, 'Why this model'),
    h('dd', {}, forecast.reason),
  );
}

function ordersBlock(orders, sku) {
  const open = orders.filter((o) => o.status === 'ordered' || o.status === 'partiallyReceived');
  if (!open.length) return notice('No open purchase orders.');
  return h(
    'table',
    { id: 'product-orders' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Number', 'Supplier', 'Location', 'Status', 'Expected', 'Ordered', 'Received'].map((c, i) =>
          h('th', { scope: 'col', class: i >= 5 ? 'num' : null }, c),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      open.map((o) => {
        const lines = o.lines.filter((l) => l.sku === sku);
        const sum = (field) => lines.reduce((total, l) => total + l[field], 0);
        return h(
          'tr',
          {},
          h('th', { scope: 'row' }, o.poNumber),
          h('td', {}, o.supplierCode),
          h('td', {}, o.locationCode),
          h('td', {}, h('span', { class: `badge status-${o.status}` }, o.status)),
          h('td', {}, o.expectedDate.slice(0, 10)),
          h('td', { class: 'num' }, format.int(sum('quantity'))),
          h('td', { class: 'num' }, format.int(sum('receivedQuantity'))),
        );
      }),
    ),
  );
}

export function createProductView(section) {
  let loads = 0;
  let chart = null;

  async function show([sku]) {
    const load = ++loads;
    chart?.destroy();
    chart = null;
    const title = h('h2', { id: 'product-title', tabindex: '-1' }, sku ? `Product ${sku}` : 'Product');
    if (!sku) {
      section.replaceChildren(title, notice('Pick a product from the overview, a recommendation or the stock table.'));
      return;
    }
    section.replaceChildren(title, notice('Loading…'));
    const end = new Date(Date.now() - DAY_MS);
    const start = new Date(end.getTime() - (HISTORY_DAYS - 1) * DAY_MS);
    const encoded = encodeURIComponent(sku);
    try {
      const [stock, forecast, accuracy, history, orders] = await Promise.all([
        api(`/api/products/${encoded}/stock`),
        optional(`/analytics/api/forecast/${encoded}`),
        optional(`/analytics/api/forecast/accuracy/${encoded}`),
        optional(`/analytics/api/internal/analytics/sales-history${query({ sku, start: dayKey(start), end: dayKey(end) })}`),
        api(`/api/orders/purchase${query({ sku, limit: 50 })}`),
      ]);
      if (load !== loads) return;
      const chartBox = h('div', {
        class: 'chart',
        id: 'product-chart',
        role: 'img',
        'aria-label': `Daily demand of the last ${HISTORY_DAYS} days and the forecast with its interval`,
      });
      section.replaceChildren(
        h(
          'div',
          { class: 'view-head' },
          h('h2', { id: 'product-title', tabindex: '-1' }, `${stock.sku} ${stock.name}`),
          h('span', { class: 'muted' }, `unit: ${stock.unit}`),
        ),
        h(
          'section',
          { class: 'panel pad', 'aria-labelledby': 'product-stock-title' },
          h('h3', { id: 'product-stock-title' }, 'Stock per location'),
          stockTable(stock),
        ),
        h(
          'div',
          { class: 'two-columns wide-left' },
          h('section', { class: 'panel pad', 'aria-labelledby': 'chart-title' }, h('h3', { id: 'chart-title' }, 'Demand and forecast'), chartBox),
          h(
            'section',
            { class: 'panel pad', 'aria-labelledby': 'model-title' },
            h('h3', { id: 'model-title' }, 'Forecast model'),
            accuracyBlock(forecast, accuracy),
          ),
        ),
        h(
          'section',
          { class: 'panel pad', 'aria-labelledby': 'orders-title' },
          h('h3', { id: 'orders-title' }, 'Open purchase orders'),
          ordersBlock(orders.items, stock.sku),
        ),
      );
      if (history || forecast) chart = await drawChart(chartBox, history ?? [], forecast);
      else chartBox.replaceChildren(notice('No demand history yet.'));
      if (load === loads) document.body.dataset.chart = 'drawn';
    } catch (error) {
      if (load === loads) section.replaceChildren(title, notice(error.message, 'error'));
    }
  }

  return { section, show: (params) => void show(params) };
}
