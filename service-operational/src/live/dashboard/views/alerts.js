// Alerts: the open ones (`#/alerts`, analytics GET /api/alerts/active) or the history
// (`#/alerts/history`, GET /api/alerts/history), filtered by severity/status, type and location;
// each with its impact, suggested action and the recommendation it relates to; acknowledge,
// resolve or mark a false positive (with a note) for the roles that may. Live `alert:*` events
// update the cards shown; a raised alert reloads the list (the event carries only a row's worth).
import { api, query } from '../api.js';
import { format, h, notice } from '../dom.js';
import { can } from '../session.js';

const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];
const TYPES = ['STOCKOUT_PREDICTED', 'OVERSTOCK', 'UNUSUAL_DEMAND', 'SUPPLIER_LATE', 'FORECAST_DEGRADED'];
const STATUSES = ['ACTIVE', 'ACKNOWLEDGED', 'RESOLVED', 'FALSE_POSITIVE'];
const OPEN = new Set(['ACTIVE', 'ACKNOWLEDGED']);
/** ACTIVE → ACKNOWLEDGED → the end states: an answer read before a live event must not undo it. */
const progress = (status) => (status === 'ACTIVE' ? 0 : status === 'ACKNOWLEDGED' ? 1 : 2);
const rank = (severity) => SEVERITIES.indexOf(severity);

function select(label, name, values, blank) {
  const id = `alert-filter-${name}`;
  return h(
    'label',
    { for: id },
    label,
    h(
      'select',
      { id, name },
      h('option', { value: '' }, blank),
      values.map((v) => h('option', { value: v }, v)),
    ),
  );
}

export function createAlerts(section) {
  /** id → alert listed */
  const listed = new Map();
  let tab = 'active';
  let loads = 0;
  let reloadTimer = null;
  const filters = { severity: '', type: '', status: '', locationCode: '' };

  const message = h('p', { class: 'notice', role: 'status', 'aria-live': 'polite', id: 'alert-message' });
  const list = h('div', { class: 'rec-list', id: 'alert-list' });
  const count = h('span', { class: 'muted', id: 'alert-count' });
  const tabs = h(
    'nav',
    { class: 'tabs', 'aria-label': 'Alert lists' },
    h('a', { href: '#/alerts', id: 'alert-tab-active' }, 'Active'),
    h('a', { href: '#/alerts/history', id: 'alert-tab-history' }, 'History (30 days)'),
  );
  const severityFilter = select('Severity', 'severity', SEVERITIES, 'any');
  const statusFilter = select('Status', 'status', STATUSES, 'any');

  function say(text, kind = 'info') {
    message.textContent = text;
    message.className = `notice notice-${kind}`;
    message.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  }

  function actions(alert) {
    if (!OPEN.has(alert.status)) {
      const by = alert.resolvedBy?.kind === 'user' ? alert.resolvedBy.name : alert.resolvedBy?.kind === 'system' ? 'a planning run' : null;
      return h(
        'p',
        { class: 'muted' },
        `${alert.status === 'FALSE_POSITIVE' ? 'False positive' : 'Resolved'}${by ? ` by ${by}` : ''}${alert.resolvedAt ? ` ${new Date(alert.resolvedAt).toLocaleString()}` : ''}`,
        alert.note ? ` — ${alert.note}` : '',
      );
    }
    const acknowledged =
      alert.status === 'ACKNOWLEDGED' &&
      h(
        'p',
        { class: 'muted' },
        `Acknowledged${alert.acknowledgedBy?.kind === 'user' ? ` by ${alert.acknowledgedBy.name}` : ''}${alert.note ? ` — ${alert.note}` : ''}`,
      );
    if (!can('purchasing', 'planner')) return acknowledged || null;
    const note = h('input', { type: 'text', id: `alert-note-${alert.id}`, name: 'note', maxlength: '500', autocomplete: 'off' });
    const run = (action) => (event) => {
      event.preventDefault();
      const text = note.value.trim();
      if (action === 'false-positive' && !text) {
        say('Say why it is a false positive in the note.', 'error');
        note.focus();
        return;
      }
      void act(alert, action, text ? { note: text } : {});
    };
    return h(
      'div',
      {},
      acknowledged,
      h(
        'form',
        // Enter in the note does nothing: each step is a button of its own, so nothing is resolved by accident.
        { class: 'inline-form rec-actions', onsubmit: (event) => event.preventDefault() },
        h('label', { for: note.id }, 'Note', note),
        alert.status === 'ACTIVE' && h('button', { type: 'button', class: 'primary', onclick: run('acknowledge') }, 'Acknowledge'),
        h('button', { type: 'button', onclick: run('resolve') }, 'Resolve'),
        h('button', { type: 'button', onclick: run('false-positive') }, 'False positive'),
      ),
    );
  }

  function card(alert) {
    const facts = [
      ['Impact', `${format.int(alert.impact.units)} units · ${format.money(alert.impact.value)}`],
      ['Predicted for', format.day(alert.predictedDate)],
      ['Location', alert.locationCode ?? 'all locations'],
      ['Raised', new Date(alert.createdAt).toLocaleString()],
      ['Severity rule', alert.severityRule],
    ];
    return h(
      'article',
      { class: `rec-card priority-${alert.severity}`, dataset: { alertId: alert.id, status: alert.status }, 'aria-labelledby': `alert-title-${alert.id}` },
      h(
        'header',
        { class: 'rec-head' },
        h('span', { class: `pill pill-${alert.severity}` }, alert.severity),
        h('span', { class: 'kind' }, alert.type),
        h('h3', { id: `alert-title-${alert.id}` }, alert.title),
        h('span', { class: `badge status-${alert.status}`, dataset: { field: 'status' } }, alert.status),
      ),
      h('p', {}, alert.description),
      h(
        'div',
        { class: 'rec-body' },
        h(
          'dl',
          { class: 'facts' },
          facts.map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)]),
        ),
        h(
          'div',
          {},
          h('p', {}, h('strong', {}, 'Suggested: '), alert.suggestedAction),
          h(
            'p',
            { class: 'muted' },
            h('a', { href: `#/product/${encodeURIComponent(alert.sku)}` }, `${alert.sku} ${alert.productName}`),
            alert.recommendationId && [
              ' · ',
              h('a', { href: `#/recommendations/${encodeURIComponent(alert.recommendationId)}`, class: 'alert-recommendation' }, 'the recommendation'),
            ],
            alert.purchaseOrder && [' · ', `purchase order ${alert.purchaseOrder.poNumber}`],
          ),
        ),
      ),
      actions(alert),
    );
  }

  function render() {
    const items = [...listed.values()].sort((a, b) => (tab === 'active' ? rank(a.severity) - rank(b.severity) : 0) || b.createdAt.localeCompare(a.createdAt));
    count.textContent = `${format.int(items.length)} ${tab === 'active' ? 'open' : 'in the last 30 days'}`;
    list.replaceChildren(
      ...(items.length ? items.map(card) : [notice(tab === 'active' ? 'No open alerts match these filters.' : 'No alerts match these filters.')]),
    );
  }

  function replace(update) {
    const known = listed.get(update.id);
    if (!known) return;
    const alert = progress(known.status) > progress(update.status) ? { ...known, ...update, status: known.status } : { ...known, ...update };
    listed.set(alert.id, alert);
    const old = list.querySelector(`[data-alert-id="${CSS.escape(alert.id)}"]`);
    if (old) old.replaceWith(card(alert));
  }

  async function act(alert, action, body) {
    try {
      const updated = await api(`/analytics/api/alerts/${encodeURIComponent(alert.id)}/${action}`, { method: 'POST', body });
      replace(updated);
      say(`${updated.title}: ${updated.status}`, 'ok');
    } catch (error) {
      say(`${alert.title}: ${error.message}`, 'error');
    }
  }

  async function load() {
    const load = ++loads;
    list.replaceChildren(notice('Loading…'));
    const params =
      tab === 'active'
        ? { severity: filters.severity, type: filters.type, locationCode: filters.locationCode, limit: 200 }
        : { status: filters.status, type: filters.type, locationCode: filters.locationCode, limit: 200 };
    try {
      const answer = await api(`/analytics/api/alerts/${tab}${query(params)}`);
      if (load !== loads) return;
      listed.clear();
      for (const alert of answer.items) listed.set(alert.id, alert);
      render();
    } catch (error) {
      if (load === loads) {
        count.textContent = '';
        list.replaceChildren(notice(error.message, 'error'));
      }
    }
  }

  const filterForm = h(
    'form',
    {
      class: 'filters-bar',
      id: 'alert-filters',
      onsubmit: (event) => {
        event.preventDefault();
        const data = new FormData(event.target);
        for (const name of Object.keys(filters)) filters[name] = String(data.get(name) ?? '').trim();
        void load();
      },
    },
    severityFilter,
    statusFilter,
    select('Type', 'type', TYPES, 'any'),
    h(
      'label',
      { for: 'alert-filter-location' },
      'Location',
      h('input', { id: 'alert-filter-location', name: 'locationCode', type: 'text', autocomplete: 'off', placeholder: 'code' }),
    ),
    h('button', { type: 'submit' }, 'Apply'),
  );

  section.append(h('div', { class: 'view-head' }, h('h2', { id: 'alerts-title', tabindex: '-1' }, 'Alerts'), count), tabs, filterForm, message, list);

  return {
    section,
    show(params) {
      tab = params[0] === 'history' ? 'history' : 'active';
      severityFilter.hidden = tab !== 'active';
      statusFilter.hidden = tab === 'active';
      for (const link of tabs.querySelectorAll('a')) {
        if (link.id === `alert-tab-${tab}`) link.setAttribute('aria-current', 'page');
        else link.removeAttribute('aria-current');
      }
      void load();
    },
    /** `alert:raised|updated|resolved`: update the card listed; a new alert reloads the list shown. */
    applyEvent(name, data) {
      if (section.hidden) return;
      const known = listed.get(data.id);
      if (known) {
        // A resolved alert stays on the open list, marked, until the next load: nothing jumps away under a click.
        // The event carries no actor or note: a new status drops the old step's (the history tab has them all).
        replace(known.status === data.status ? data : { ...data, note: null, resolvedBy: null, resolvedAt: null });
        return;
      }
      if (name === 'alert:raised' || tab === 'history') {
        clearTimeout(reloadTimer);
        reloadTimer = setTimeout(() => void load(), 300);
      }
    },
    /** After a resync: the list is read again. */
    refresh() {
      if (!section.hidden) void load();
    },
  };
}
