// Recommendations: filter, sorted by priority, the reasoning in words and numbers; accept (with an
// optional quantity / supplier override) or reject with a reason; select several and accept them
// together (one purchase order per supplier × location); the bulk purchase plan per supplier.
import { api, query } from '../api.js';
import { format, h, notice } from '../dom.js';

const PRIORITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];
const TYPES = ['REORDER', 'TRANSFER', 'EXCESS_STOCK'];
const STATUSES = ['PENDING', 'ACCEPTED', 'ORDERED', 'REJECTED', 'EXPIRED', 'SUPERSEDED', 'FAILED'];
const rank = (priority) => PRIORITIES.indexOf(priority);

/** CRITICAL first, then the earliest order-by date, then the newest. */
function byPriority(a, b) {
  return rank(a.priority) - rank(b.priority) || (a.orderByDate ?? '9999').localeCompare(b.orderByDate ?? '9999') || b.createdAt.localeCompare(a.createdAt);
}

function select(label, name, values, value, blank) {
  const id = `rec-filter-${name}`;
  return h(
    'label',
    { for: id },
    label,
    h(
      'select',
      { id, name },
      h('option', { value: '' }, blank),
      values.map((v) => h('option', { value: v, selected: v === value }, v)),
    ),
  );
}

function numbers(rec) {
  const rows = [
    ['Quantity', format.int(rec.quantity)],
    ['Current position', format.int(rec.currentPosition)],
    ['Demand over lead time', format.num(rec.predictedDemand.leadTime)],
    ['Demand next 7 / 14 days', `${format.num(rec.predictedDemand.days7)} / ${format.num(rec.predictedDemand.days14)}`],
    ['Cost', format.money(rec.cost)],
    rec.savingsPotential ? ['Savings potential', format.money(rec.savingsPotential)] : null,
    ['Order by', format.day(rec.orderByDate)],
    ['Stock-out on', format.day(rec.stockoutDate)],
    ['Supplier', rec.supplierCode ? `${rec.supplierCode}${rec.supplierName ? ` ${rec.supplierName}` : ''}` : '–'],
    ['Confidence', format.percent(rec.confidence)],
  ].filter(Boolean);
  return h(
    'dl',
    { class: 'facts' },
    rows.map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]),
  );
}

export function createRecommendations(section, { onChange } = {}) {
  const filters = { priority: '', type: '', status: 'PENDING', locationCode: '' };
  /** id → recommendation currently listed */
  const listed = new Map();
  const selected = new Set();
  let loads = 0;
  /** What the list shows: undefined (nothing loaded yet), null (the filtered list) or one id. */
  let shown;

  const message = h('p', { class: 'notice', role: 'status', 'aria-live': 'polite', id: 'rec-message' });
  const list = h('div', { class: 'rec-list', id: 'rec-list' });
  const bulkButton = h('button', { type: 'button', id: 'rec-bulk-accept', disabled: true, onclick: () => void bulkAccept() }, 'Accept selected (0)');
  const planArea = h('div', { id: 'plan-area' });

  function say(text, kind = 'info') {
    message.textContent = text;
    message.className = `notice notice-${kind}`;
    message.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  }

  function refreshBulk() {
    for (const id of selected) if (listed.get(id)?.status !== 'PENDING') selected.delete(id);
    bulkButton.textContent = `Accept selected (${selected.size})`;
    bulkButton.disabled = selected.size === 0;
  }

  function card(rec) {
    const pending = rec.status === 'PENDING';
    // EXCESS_STOCK is advice: it can only be dismissed (rejected). Several at once: REORDERs with a supplier.
    const orderable = pending && rec.type !== 'EXCESS_STOCK';
    const bulkable = pending && rec.type === 'REORDER' && rec.supplierCode !== null;
    const id = rec.id;
    const quantity = h('input', {
      type: 'number',
      min: '1',
      step: '1',
      id: `qty-${id}`,
      name: 'quantity',
      placeholder: String(rec.quantity),
      inputmode: 'numeric',
    });
    const supplier = h('input', { type: 'text', id: `sup-${id}`, name: 'supplierCode', placeholder: rec.supplierCode ?? '', autocomplete: 'off' });
    const reason = h('input', { type: 'text', id: `reason-${id}`, name: 'reason', required: true, maxlength: '500', autocomplete: 'off' });
    const actions = pending
      ? h(
          'div',
          { class: 'rec-actions' },
          orderable &&
            h(
              'form',
              {
                class: 'inline-form accept-form',
                onsubmit: (event) => {
                  event.preventDefault();
                  const body = {};
                  if (quantity.value) body.quantity = Number(quantity.value);
                  if (supplier.value.trim()) body.supplierCode = supplier.value.trim();
                  void act(rec, 'accept', body);
                },
              },
              h('label', { for: quantity.id }, 'Quantity', quantity),
              rec.type !== 'TRANSFER' && h('label', { for: supplier.id }, 'Supplier', supplier),
              h('button', { type: 'submit', class: 'primary' }, 'Accept'),
            ),
          h(
            'form',
            {
              class: 'inline-form reject-form',
              onsubmit: (event) => {
                event.preventDefault();
                void act(rec, 'reject', { reason: reason.value.trim() });
              },
            },
            h('label', { for: reason.id }, 'Reason', reason),
            h('button', { type: 'submit' }, rec.type === 'EXCESS_STOCK' ? 'Dismiss' : 'Reject'),
          ),
        )
      : h(
          'p',
          { class: 'muted' },
          rec.rejectionReason
            ? `Rejected: ${rec.rejectionReason}`
            : rec.actionedBy
              ? `By ${rec.actionedBy.name} ${new Date(rec.actionedAt).toLocaleString()}`
              : '',
        );
    const checkbox =
      bulkable &&
      h('input', {
        type: 'checkbox',
        id: `pick-${id}`,
        checked: selected.has(id),
        'aria-label': `Select ${rec.action}`,
        onchange: (event) => {
          if (event.target.checked) selected.add(id);
          else selected.delete(id);
          refreshBulk();
        },
      });
    return h(
      'article',
      { class: `rec-card priority-${rec.priority}`, dataset: { recommendationId: id, status: rec.status }, 'aria-labelledby': `rec-title-${id}` },
      h(
        'header',
        { class: 'rec-head' },
        checkbox,
        h('span', { class: `pill pill-${rec.priority}` }, rec.priority),
        h('span', { class: 'kind' }, rec.type),
        h('h3', { id: `rec-title-${id}` }, rec.action),
        h('span', { class: `badge rec-status status-${rec.status}`, dataset: { field: 'status' } }, rec.status),
      ),
      h(
        'p',
        { class: 'muted' },
        h('a', { href: `#/product/${encodeURIComponent(rec.sku)}` }, `${rec.sku} ${rec.productName}`),
        ` · ${rec.fromLocationCode ? `${rec.fromLocationCode} → ` : ''}${rec.locationCode}`,
      ),
      h(
        'div',
        { class: 'rec-body' },
        numbers(rec),
        h(
          'ul',
          { class: 'reasoning', 'aria-label': 'Reasoning' },
          rec.reasoning.map((line) => h('li', {}, line)),
        ),
      ),
      actions,
    );
  }

  function renderList() {
    const items = [...listed.values()].sort(byPriority);
    list.replaceChildren(...(items.length ? items.map(card) : [notice('No recommendations match these filters.')]));
    refreshBulk();
  }

  /** PENDING → ACCEPTED → the end states: an answer read before a live event must not undo it. */
  const progress = (status) => (status === 'PENDING' ? 0 : status === 'ACCEPTED' ? 1 : 2);

  function replace(update) {
    const known = listed.get(update.id);
    const rec = known && progress(known.status) > progress(update.status) ? { ...update, status: known.status } : update;
    listed.set(rec.id, rec);
    const old = list.querySelector(`[data-recommendation-id="${CSS.escape(rec.id)}"]`);
    if (old) old.replaceWith(card(rec));
    refreshBulk();
  }

  async function act(rec, action, body) {
    try {
      const answer = await api(`/analytics/api/recommendations/${encodeURIComponent(rec.id)}/${action}`, { method: 'POST', body });
      const updated = action === 'accept' ? answer.recommendation : answer;
      replace(updated);
      say(
        action === 'accept'
          ? `Accepted: ${updated.action}${answer.purchaseOrderRequest ? ' — the purchase order is being created' : ''}`
          : `Rejected: ${updated.action}`,
        'ok',
      );
      onChange?.();
    } catch (error) {
      say(`${rec.sku}: ${error.message}`, 'error');
    }
  }

  async function bulkAccept() {
    const ids = [...selected];
    try {
      const answer = await api('/analytics/api/recommendations/accept', { method: 'POST', body: { ids } });
      for (const rec of answer.recommendations) replace(rec);
      selected.clear();
      refreshBulk();
      const conflicts = answer.conflicts.length ? `; ${answer.conflicts.length} no longer pending` : '';
      say(`Accepted ${answer.recommendations.length} as ${answer.purchaseOrderRequests.length} purchase order(s)${conflicts}`, 'ok');
      onChange?.();
    } catch (error) {
      say(error.message, 'error');
    }
  }

  async function load(id) {
    shown = id ?? null;
    const load = ++loads;
    list.replaceChildren(notice('Loading…'));
    try {
      const items = id
        ? [await api(`/analytics/api/recommendations/${encodeURIComponent(id)}`)]
        : (await api(`/analytics/api/recommendations${query({ ...filters, limit: 200 })}`)).items;
      if (load !== loads) return;
      listed.clear();
      for (const rec of items) listed.set(rec.id, rec);
      renderList();
    } catch (error) {
      if (load === loads) list.replaceChildren(notice(error.message, 'error'));
    }
  }

  async function showPlan(budget) {
    planArea.replaceChildren(notice('Loading the plan…'));
    try {
      const plan = await api(`/analytics/api/recommendations${query({ type: 'BULK_PURCHASE', budget, limit: 50 })}`);
      renderPlan(plan, budget);
    } catch (error) {
      planArea.replaceChildren(notice(error.message, 'error'));
    }
  }

  async function acceptPlan(budget, plans) {
    try {
      const body = budget ? { budget } : {};
      if (plans) body.plans = plans;
      const answer = await api('/analytics/api/recommendations/purchase-plan/accept', { method: 'POST', body });
      say(`Plan accepted: ${answer.purchaseOrderRequests.length} purchase order(s) for ${answer.recommendations.length} recommendation(s)`, 'ok');
      onChange?.();
      await Promise.all([load(), showPlan(budget)]);
    } catch (error) {
      say(error.message, 'error');
    }
  }

  function renderPlan(plan, budget) {
    if (!plan.plans.length) {
      planArea.replaceChildren(notice('No pending reorders to plan.'));
      return;
    }
    const t = plan.totals;
    planArea.replaceChildren(
      h(
        'p',
        { class: 'plan-totals', id: 'plan-totals' },
        `${format.int(t.plans)} order(s), ${format.int(t.lines)} line(s), ${format.int(t.units)} units, total ${format.money(t.cost)}`,
        t.budget !== null ? ` · budget ${format.money(t.budget)}, left ${format.money(t.budgetLeft)}` : '',
        plan.deferred.length ? ` · ${plan.deferred.length} deferred` : '',
      ),
      h('button', { type: 'button', class: 'primary', id: 'plan-accept', onclick: () => void acceptPlan(budget) }, 'Accept plan'),
      ...plan.plans.map((supplierPlan) =>
        h(
          'section',
          { class: 'plan', dataset: { supplier: supplierPlan.supplierCode, location: supplierPlan.locationCode } },
          h(
            'h4',
            {},
            `${supplierPlan.supplierCode}${supplierPlan.supplierName ? ` ${supplierPlan.supplierName}` : ''} → ${supplierPlan.locationCode}`,
            h('span', { class: `pill pill-${supplierPlan.priority}` }, supplierPlan.priority),
          ),
          h(
            'table',
            {},
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['SKU', 'Product', 'Priority', 'Recommended', 'Ordered', 'Unit cost', 'Line cost', 'Note'].map((c, i) =>
                  h('th', { scope: 'col', class: i >= 3 && i <= 6 ? 'num' : null }, c),
                ),
              ),
            ),
            h(
              'tbody',
              {},
              supplierPlan.lines.map((line) =>
                h(
                  'tr',
                  {},
                  h('th', { scope: 'row' }, line.sku),
                  h('td', {}, line.productName),
                  h('td', {}, line.priority),
                  h('td', { class: 'num' }, format.int(line.recommendedQuantity)),
                  h('td', { class: 'num' }, format.int(line.quantity)),
                  h('td', { class: 'num' }, format.money(line.unitCost)),
                  h('td', { class: 'num' }, format.money(line.lineCost)),
                  h('td', { class: 'muted' }, line.adjustment ?? ''),
                ),
              ),
            ),
            h(
              'tfoot',
              {},
              h(
                'tr',
                {},
                h('th', { scope: 'row', colspan: '4' }, `Total: ${supplierPlan.totals.lines} line(s)`),
                h('td', { class: 'num' }, format.int(supplierPlan.totals.units)),
                h('td', {}),
                h('td', { class: 'num' }, format.money(supplierPlan.totals.cost)),
                h('td', {}),
              ),
            ),
          ),
          h(
            'button',
            { type: 'button', onclick: () => void acceptPlan(budget, [{ supplierCode: supplierPlan.supplierCode, locationCode: supplierPlan.locationCode }]) },
            `Accept this order (${supplierPlan.supplierCode} → ${supplierPlan.locationCode})`,
          ),
        ),
      ),
    );
  }

  const filterForm = h(
    'form',
    {
      class: 'filters-bar',
      id: 'rec-filters',
      onsubmit: (event) => {
        event.preventDefault();
        const data = new FormData(event.target);
        for (const name of Object.keys(filters)) filters[name] = String(data.get(name) ?? '').trim();
        if (window.location.hash !== '#/recommendations') window.location.hash = '#/recommendations';
        else void load();
      },
    },
    select('Priority', 'priority', PRIORITIES, filters.priority, 'any'),
    select('Type', 'type', TYPES, filters.type, 'any'),
    select('Status', 'status', STATUSES, filters.status, 'any'),
    h(
      'label',
      { for: 'rec-filter-location' },
      'Location',
      h('input', { id: 'rec-filter-location', name: 'locationCode', type: 'text', autocomplete: 'off', placeholder: 'code' }),
    ),
    h('button', { type: 'submit' }, 'Apply'),
  );
  const budgetInput = h('input', { id: 'plan-budget', type: 'number', min: '1', step: 'any', inputmode: 'decimal', placeholder: 'no limit' });
  const planForm = h(
    'form',
    {
      class: 'filters-bar',
      onsubmit: (event) => {
        event.preventDefault();
        void showPlan(budgetInput.value ? Number(budgetInput.value) : undefined);
      },
    },
    h('label', { for: budgetInput.id }, 'Budget', budgetInput),
    h('button', { type: 'submit', id: 'plan-show' }, 'Show purchase plan'),
  );

  section.append(
    h(
      'div',
      { class: 'view-head' },
      h('h2', { id: 'recommendations-title', tabindex: '-1' }, 'Recommendations'),
      h('span', { class: 'muted' }, 'highest priority first'),
    ),
    filterForm,
    h('div', { class: 'bulk-bar' }, bulkButton, message),
    list,
    h(
      'section',
      { class: 'panel pad plan-panel', 'aria-labelledby': 'plan-title' },
      h('h3', { id: 'plan-title' }, 'Purchase plan per supplier'),
      planForm,
      planArea,
    ),
  );

  return {
    section,
    show([id]) {
      void load(id);
    },
    /**
     * After a resync: events the page missed are not in the snapshot (it holds stock and orders),
     * so the list is read again.
     */
    refresh() {
      if (shown !== undefined) void load(shown ?? undefined);
    },
    /** A live `recommendation:*` event: update the card it names, if listed. */
    applyEvent(event) {
      const known = listed.get(event.id);
      if (known) replace({ ...known, status: event.status, priority: event.priority, quantity: event.quantity, action: event.action });
    },
  };
}
