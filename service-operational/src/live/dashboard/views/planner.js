// Planner: the what-if form (analytics POST /api/analysis/whatif: a demand change, a campaign or a
// supplier delay over some SKUs or all) and its answer: baseline against scenario in total and per
// product — demand, stock-out date, units short, revenue at risk, stock needed and its cost, orders.
import { api } from '../api.js';
import { format, h, notice } from '../dom.js';
import { can } from '../session.js';

const dayKey = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

function field(label, input) {
  return h('label', { for: input.id }, label, input);
}

const TOTAL_ROWS = [
  ['demand', 'Demand (units)', format.num],
  ['earliestStockoutDate', 'Earliest stock-out', format.day],
  ['unitsShort', 'Units short', format.num],
  ['revenueAtRisk', 'Revenue at risk', format.money],
  ['safetyStock', 'Safety stock', format.num],
  ['stockNeeded', 'Stock needed', format.num],
  ['stockNeededCost', 'Cost of the stock needed', format.money],
  ['orderCount', 'Orders', format.int],
  ['orderCost', 'Order cost', format.money],
];

export function createPlanner(section) {
  const result = h('div', { id: 'whatif-result' });
  const inputs = {
    type: h(
      'select',
      { id: 'whatif-type', name: 'type' },
      h('option', { value: 'demandChange' }, 'Demand change'),
      h('option', { value: 'campaign' }, 'Campaign'),
      h('option', { value: 'supplierDelay' }, 'Supplier delay'),
    ),
    percentage: h('input', { id: 'whatif-percentage', type: 'number', step: 'any', value: '50', inputmode: 'decimal' }),
    from: h('input', { id: 'whatif-from', type: 'date', value: dayKey(0) }),
    to: h('input', { id: 'whatif-to', type: 'date', value: dayKey(13) }),
    discount: h('input', { id: 'whatif-discount', type: 'number', min: '0', max: '90', step: 'any', value: '20' }),
    start: h('input', { id: 'whatif-start', type: 'date', value: dayKey(7) }),
    duration: h('input', { id: 'whatif-duration', type: 'number', min: '1', max: '180', step: '1', value: '7' }),
    supplier: h('input', { id: 'whatif-supplier', type: 'text', autocomplete: 'off', placeholder: 'SUP-01' }),
    extraDays: h('input', { id: 'whatif-extra-days', type: 'number', min: '1', max: '365', step: '1', value: '7' }),
    skus: h('input', { id: 'whatif-skus', type: 'text', autocomplete: 'off', placeholder: 'all products' }),
    location: h('input', { id: 'whatif-location', type: 'text', autocomplete: 'off', placeholder: 'all locations' }),
    horizon: h('input', { id: 'whatif-horizon', type: 'number', min: '1', max: '180', step: '1', value: '28' }),
  };
  const groups = {
    demandChange: h('div', { class: 'filters-bar' }, field('Change, %', inputs.percentage), field('From', inputs.from), field('To', inputs.to)),
    campaign: h('div', { class: 'filters-bar' }, field('Discount, %', inputs.discount), field('Starts', inputs.start), field('Days', inputs.duration)),
    supplierDelay: h('div', { class: 'filters-bar' }, field('Supplier code', inputs.supplier), field('Extra days', inputs.extraDays)),
  };
  function showGroup() {
    for (const [type, group] of Object.entries(groups)) group.hidden = type !== inputs.type.value;
  }
  inputs.type.addEventListener('change', showGroup);

  function scenario() {
    const type = inputs.type.value;
    if (type === 'demandChange') return { type, percentage: Number(inputs.percentage.value), from: inputs.from.value, to: inputs.to.value };
    if (type === 'campaign')
      return { type, discountPct: Number(inputs.discount.value), start: inputs.start.value, durationDays: Number(inputs.duration.value) };
    return { type, supplierCode: inputs.supplier.value.trim(), extraDays: Number(inputs.extraDays.value) };
  }

  function render(answer) {
    const { baseline, scenario: changed } = answer.total;
    const totals = h(
      'table',
      { id: 'whatif-totals' },
      h('caption', {}, `All products, ${answer.period.from} – ${answer.period.to}`),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['', 'Baseline', 'Scenario', 'Change'].map((c, i) => h('th', { scope: 'col', class: i ? 'num' : null }, c)),
        ),
      ),
      h(
        'tbody',
        {},
        TOTAL_ROWS.map(([key, label, fmt]) => {
          const a = baseline[key];
          const b = changed[key];
          const delta = typeof a === 'number' && typeof b === 'number' ? b - a : null;
          return h(
            'tr',
            { dataset: { field: key } },
            h('th', { scope: 'row' }, label),
            h('td', { class: 'num', dataset: { value: 'baseline' } }, fmt(a)),
            h('td', { class: 'num', dataset: { value: 'scenario' } }, fmt(b)),
            h('td', { class: 'num' }, delta === null ? '' : `${delta > 0 ? '+' : ''}${fmt(delta)}`),
          );
        }),
      ),
    );
    const products = answer.products.length
      ? h(
          'table',
          { id: 'whatif-products' },
          h('caption', {}, 'Per product'),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['SKU', 'Product', 'Demand', 'Stock-out', 'Units short', 'Revenue at risk', 'Stock needed', 'Cost'].map((c, i) =>
                h('th', { scope: 'col', class: i >= 2 ? 'num' : null }, c),
              ),
            ),
          ),
          h(
            'tbody',
            {},
            answer.products.map((p) =>
              h(
                'tr',
                { dataset: { sku: p.sku } },
                h('th', { scope: 'row' }, h('a', { href: `#/product/${encodeURIComponent(p.sku)}` }, p.sku)),
                h('td', {}, p.name),
                h('td', { class: 'num' }, `${format.num(p.baseline.demand)} → ${format.num(p.scenario.demand)}`),
                h('td', { class: 'num' }, `${format.day(p.baseline.stockoutDate)} → ${format.day(p.scenario.stockoutDate)}`),
                h('td', { class: 'num' }, `${format.num(p.baseline.unitsShort)} → ${format.num(p.scenario.unitsShort)}`),
                h('td', { class: 'num' }, `${format.money(p.baseline.revenueAtRisk)} → ${format.money(p.scenario.revenueAtRisk)}`),
                h('td', { class: 'num' }, `${format.num(p.baseline.stockNeeded)} → ${format.num(p.scenario.stockNeeded)}`),
                h('td', { class: 'num' }, `${format.money(p.baseline.stockNeededCost)} → ${format.money(p.scenario.stockNeededCost)}`),
              ),
            ),
          ),
        )
      : notice('No product had a forecast to compare.');
    result.replaceChildren(
      h(
        'section',
        { class: 'panel pad', 'aria-labelledby': 'whatif-result-title' },
        h('h3', { id: 'whatif-result-title' }, 'Baseline against scenario'),
        totals,
      ),
      h('section', { class: 'panel pad' }, products),
      answer.skipped.length ? notice(`Skipped: ${answer.skipped.map((s) => `${s.sku} (${s.reason})`).join('; ')}`) : null,
      h(
        'details',
        {},
        h('summary', {}, 'Assumptions'),
        h(
          'ul',
          {},
          answer.assumptions.map((a) => h('li', {}, a)),
        ),
      ),
    );
  }

  async function run(event) {
    event.preventDefault();
    const skus = inputs.skus.value
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    const body = { scenario: scenario(), products: skus.length ? { skus } : { all: true }, horizon: Number(inputs.horizon.value) };
    if (inputs.location.value.trim()) body.locationCode = inputs.location.value.trim();
    result.replaceChildren(notice('Computing…'));
    try {
      render(await api('/analytics/api/analysis/whatif', { method: 'POST', body }));
    } catch (error) {
      result.replaceChildren(notice(error.message, 'error'));
    }
  }

  const allowed = can('planner', 'purchasing');
  section.append(
    h('div', { class: 'view-head' }, h('h2', { id: 'planner-title', tabindex: '-1' }, 'Planner: what-if')),
    allowed
      ? h(
          'form',
          { id: 'whatif-form', class: 'panel pad', onsubmit: (event) => void run(event) },
          h(
            'div',
            { class: 'filters-bar' },
            field('Scenario', inputs.type),
            field('SKUs', inputs.skus),
            field('Location', inputs.location),
            field('Horizon, days', inputs.horizon),
          ),
          groups.demandChange,
          groups.campaign,
          groups.supplierDelay,
          h('div', { class: 'bulk-bar' }, h('button', { type: 'submit', class: 'primary', id: 'whatif-run' }, 'Compare')),
        )
      : notice('What-if analysis is for planners and purchasing; this key cannot run it.'),
    result,
  );
  showGroup();

  return { section, show() {} };
}
