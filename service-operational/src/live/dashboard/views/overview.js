// Overview: the morning summary as tiles (metrics, alerts by severity, pending recommendations by
// priority, KPIs with their period), the stock-out risks and the top reorders, each a link.
import { api } from '../api.js';
import { loadUPlot } from '../charts.js';
import { format, h, notice } from '../dom.js';

const TREND_DAYS = 90;
/** The trend charts: a field of GET /api/dashboard/trends' days each, with how to show its values. */
const TRENDS = [
  ['fillRate', 'Fill rate', (v) => format.percent(v), '#15803d'],
  ['stockoutRate', 'Stock-out rate', (v) => format.percent(v), '#b42318'],
  ['demanded', 'Units demanded', (v) => format.int(v), '#2563eb'],
  ['revenue', 'Revenue', (v) => format.money(v), '#7c3aed'],
];
const toSeconds = (day) => Date.parse(`${day}T00:00:00Z`) / 1000;

/** One small uPlot line chart per trend; each box says how many days it drew (`data-points`). */
async function drawTrends(container, trends) {
  if (!trends.days.length) {
    container.replaceChildren(notice('No sales facts in the last 90 days yet.'));
    return [];
  }
  const uPlot = await loadUPlot();
  const x = trends.days.map((d) => toSeconds(d.day));
  const boxes = TRENDS.map(([field, label]) =>
    h(
      'figure',
      { class: 'panel pad chart-tile', id: `trend-${field}`, role: 'img', 'aria-label': `${label}, daily, ${trends.from} – ${trends.to}` },
      h('figcaption', { class: 'tile-label' }, label),
    ),
  );
  container.replaceChildren(...boxes);
  return TRENDS.map(([field, label, fmt, stroke], i) => {
    const values = trends.days.map((d) => d[field]);
    const box = boxes[i];
    box.dataset.points = String(values.filter((v) => v !== null).length);
    const last = values.findLast((v) => v !== null);
    box
      .querySelector('figcaption')
      .append(h('strong', { class: 'trend-last', dataset: { field }, title: `on ${trends.to}` }, ` ${last === undefined ? '–' : fmt(last)}`));
    return new uPlot(
      {
        width: Math.max(260, box.clientWidth - 24),
        height: 130,
        legend: { show: false },
        scales: { x: { time: true } },
        series: [{}, { label, stroke, width: 1.5, value: (_u, v) => (v === null ? '–' : fmt(v)) }],
        // Wide enough for a currency symbol and cents ("$200.00" lost its "$" at 56 px).
        axes: [{ size: 28 }, { size: 72, values: (_u, ticks) => ticks.map((t) => fmt(t)) }],
      },
      [x, values],
      box,
    );
  });
}

const PRIORITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];
const KPIS = [
  ['fillRate7d', 'Fill rate, 7 days', format.percent],
  ['fillRate30d', 'Fill rate, 30 days', format.percent],
  ['stockoutRate7d', 'Stock-out rate, 7 days', format.percent],
  ['stockoutRate30d', 'Stock-out rate, 30 days', format.percent],
  ['inventoryValue', 'Inventory value', format.money],
  ['averageDaysOfCover', 'Days of cover', format.num],
  ['forecastAccuracy', 'Forecast accuracy', format.percent],
];
const METRICS = [
  ['productsAtRisk', 'Products at risk', format.int],
  ['pendingStockouts', 'Predicted stock-outs', format.int],
  ['excessInventoryValue', 'Excess inventory value', format.money],
  ['pendingPurchaseOrders', 'Open purchase orders', format.int],
  ['overduePurchaseOrders', 'Overdue purchase orders', format.int],
];

function tile(label, value, { definition, period, href, name, warn } = {}) {
  const body = [
    h('span', { class: 'tile-label' }, label),
    h('strong', { class: 'tile-value', dataset: { tile: name } }, value),
    period && h('span', { class: 'tile-period' }, period),
  ];
  const attributes = { class: `card-tile${warn ? ' warn' : ''}`, title: definition };
  return href ? h('a', { ...attributes, href }, body) : h('div', attributes, body);
}

function counts(title, values, total, href, name) {
  return h(
    'a',
    { class: 'card-tile counts', href, dataset: { tile: name } },
    h('span', { class: 'tile-label' }, title),
    h('strong', { class: 'tile-value' }, format.int(total)),
    h(
      'span',
      { class: 'severity-row' },
      PRIORITIES.map((p) => h('span', { class: `pill pill-${p}`, title: `${p}: ${values[p]}` }, `${p[0]}${p.slice(1).toLowerCase()} ${format.int(values[p])}`)),
    ),
  );
}

function render(section, summary, details, trendsBox) {
  const kpiTiles = KPIS.map(([key, label, fmt]) => {
    const kpi = summary.kpis[key];
    return tile(label, fmt(kpi.value), { definition: kpi.definition, period: kpi.from === kpi.to ? kpi.to : `${kpi.from} – ${kpi.to}`, name: key });
  });
  const metricTiles = METRICS.map(([key, label, fmt]) => {
    const metric = summary.criticalMetrics[key];
    return tile(label, fmt(metric.value), { definition: metric.definition, name: key, warn: key !== 'pendingPurchaseOrders' && metric.value > 0 });
  });
  const risks = details.stockoutRisks.length
    ? h(
        'ul',
        { class: 'link-list', id: 'overview-risks' },
        details.stockoutRisks.map((risk) =>
          h(
            'li',
            {},
            h('span', { class: `pill pill-${risk.severity}` }, risk.severity),
            h('a', { href: `#/product/${encodeURIComponent(risk.sku)}` }, `${risk.sku} ${risk.productName}`),
            h(
              'span',
              { class: 'muted' },
              ` ${risk.locationCode ?? 'all locations'} · stock-out ${format.day(risk.predictedDate)} · ${format.int(risk.unitsShort)} short`,
            ),
          ),
        ),
      )
    : notice('No predicted stock-outs.');
  const reorders = details.reorderNeeded.length
    ? h(
        'ul',
        { class: 'link-list', id: 'overview-reorders' },
        details.reorderNeeded.map((r) =>
          h(
            'li',
            {},
            h('span', { class: `pill pill-${r.priority}` }, r.priority),
            h('a', { href: `#/recommendations/${encodeURIComponent(r.recommendationId)}`, dataset: { recommendationId: r.recommendationId } }, r.action),
            h('span', { class: 'muted' }, ` ${r.locationCode} · order by ${format.day(r.orderByDate)} · ${format.money(r.cost)}`),
          ),
        ),
      )
    : notice('No reorders pending.');
  section.replaceChildren(
    h(
      'div',
      { class: 'view-head' },
      h('h2', { id: 'overview-title', tabindex: '-1' }, 'Overview'),
      h('span', { class: 'muted' }, `as of ${new Date(summary.asOf).toLocaleString()}${summary.stale ? ' (refreshing)' : ''}`),
    ),
    h(
      'div',
      { class: 'tile-grid' },
      counts('Active alerts', summary.alertsActive, summary.alertsActive.total, '#/alerts', 'alerts'),
      counts('Pending recommendations', summary.recommendationsSummary, summary.recommendationsSummary.total, '#/recommendations', 'recommendations'),
      tile('Potential savings', format.money(summary.potentialSavings.value), { definition: summary.potentialSavings.definition, name: 'potentialSavings' }),
      ...metricTiles,
    ),
    h('h3', {}, 'Key figures'),
    h('div', { class: 'tile-grid' }, kpiTiles),
    h('h3', { id: 'trends-title' }, `Trends, last ${TREND_DAYS} days`),
    trendsBox,
    h(
      'div',
      { class: 'two-columns' },
      h('section', { class: 'panel pad', 'aria-labelledby': 'risks-title' }, h('h3', { id: 'risks-title' }, 'Stock-out risks'), risks),
      h('section', { class: 'panel pad', 'aria-labelledby': 'reorders-title' }, h('h3', { id: 'reorders-title' }, 'Top reorders'), reorders),
    ),
  );
}

export function createOverview(section) {
  let loads = 0;
  let charts = [];
  return {
    section,
    async show() {
      const load = ++loads;
      if (!section.firstChild) section.append(h('h2', { id: 'overview-title', tabindex: '-1' }, 'Overview'), notice('Loading…'));
      try {
        const [summary, details, trends] = await Promise.all([
          api('/analytics/api/dashboard/summary'),
          api('/analytics/api/dashboard/details?limit=8'),
          api(`/analytics/api/dashboard/trends?days=${TREND_DAYS}`),
        ]);
        if (load !== loads) return;
        const trendsBox = h('div', { class: 'trend-grid', id: 'overview-trends', 'aria-labelledby': 'trends-title' });
        for (const chart of charts) chart.destroy();
        charts = [];
        render(section, summary, details, trendsBox);
        charts = await drawTrends(trendsBox, trends);
        if (load === loads) document.body.dataset.trends = 'drawn';
      } catch (error) {
        if (load === loads) section.replaceChildren(h('h2', { id: 'overview-title', tabindex: '-1' }, 'Overview'), notice(error.message, 'error'));
      }
    },
  };
}
