// Receiving (warehouse staff): the purchase orders awaiting delivery (ordered or partly received,
// by expected date), or one found by the number on the delivery note
// (GET /api/orders/purchase/number/:poNumber); the quantities received per line (full or part,
// never more than is open), confirmed with PUT /api/orders/purchase/:id/receive; then what the
// receipt did: each line's on-hand stock at the location before and after (re-read from the API).
import { api, query } from '../api.js';
import { format, h, notice } from '../dom.js';
import { can } from '../session.js';

const open = (line) => line.quantity - line.receivedQuantity;

/** On hand of each SKU at the location, from GET /api/products/:sku/stock. */
async function onHandAt(skus, locationCode) {
  const answers = await Promise.all(skus.map((sku) => api(`/api/products/${encodeURIComponent(sku)}/stock`)));
  return new Map(skus.map((sku, i) => [sku, answers[i].locations.find((p) => p.locationCode === locationCode)?.onHand ?? 0]));
}

export function createReceiving(section) {
  const message = h('p', { class: 'notice', role: 'status', 'aria-live': 'polite', id: 'receiving-message' });
  const awaiting = h('div', { id: 'receiving-awaiting' });
  const detail = h('div', { id: 'receiving-order' });
  const numberInput = h('input', {
    id: 'receiving-po-number',
    name: 'poNumber',
    type: 'search',
    autocomplete: 'off',
    placeholder: 'PO-20260301-0001',
    required: true,
  });
  let loads = 0;

  function say(text, kind = 'info') {
    message.textContent = text;
    message.className = `notice notice-${kind}`;
    message.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  }

  function renderOrder(order, result) {
    const receivable = can('warehouse', 'purchasing') && (order.status === 'ordered' || order.status === 'partiallyReceived');
    const inputs = new Map();
    const rows = order.lines.map((line) => {
      const left = open(line);
      const input =
        receivable && left > 0
          ? h('input', {
              type: 'number',
              id: `receive-line-${line.line}`,
              name: `line-${line.line}`,
              min: '0',
              max: String(left),
              step: '1',
              value: String(left),
              inputmode: 'numeric',
              'aria-label': `Receive now: ${line.sku}`,
            })
          : null;
      if (input) inputs.set(line.line, input);
      const change = result?.get(line.sku);
      return h(
        'tr',
        { dataset: { line: String(line.line), sku: line.sku } },
        h('th', { scope: 'row' }, line.sku),
        h('td', { class: 'num', dataset: { field: 'ordered' } }, format.int(line.quantity)),
        h('td', { class: 'num', dataset: { field: 'received' } }, format.int(line.receivedQuantity)),
        h('td', { class: 'num', dataset: { field: 'open' } }, format.int(left)),
        h('td', { class: 'num' }, format.money(line.unitCost)),
        receivable && h('td', { class: 'num' }, input ?? '–'),
        result && h('td', { class: 'num', dataset: { field: 'stock' } }, change ? `${format.int(change.before)} → ${format.int(change.after)}` : '–'),
      );
    });
    const headers = ['SKU', 'Ordered', 'Received', 'Open', 'Unit cost', receivable && 'Receive now', result && `On hand at ${order.locationCode}`].filter(
      Boolean,
    );
    const table = h(
      'table',
      { class: 'receiving-lines', id: 'receiving-lines' },
      h('caption', { class: 'visually-hidden' }, `Lines of ${order.poNumber}`),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          headers.map((c, i) => h('th', { scope: 'col', class: i > 0 ? 'num' : null }, c)),
        ),
      ),
      h('tbody', {}, rows),
    );
    const submit = async (event) => {
      event.preventDefault();
      const lines = [...inputs].map(([line, input]) => ({ line, quantity: Number(input.value) })).filter((l) => l.quantity > 0);
      if (!lines.length) {
        say('Enter a quantity for at least one line.', 'error');
        return;
      }
      await receive(order, lines);
    };
    detail.replaceChildren(
      h(
        'section',
        { class: 'panel pad', 'aria-labelledby': 'receiving-order-title', dataset: { poNumber: order.poNumber, status: order.status } },
        h(
          'div',
          { class: 'view-head' },
          h('h3', { id: 'receiving-order-title', tabindex: '-1' }, order.poNumber),
          h('span', { class: `badge status-${order.status}`, dataset: { field: 'status' } }, order.status),
          h(
            'span',
            { class: 'muted' },
            `${order.supplierCode} → ${order.locationCode} · expected ${order.expectedDate.slice(0, 10)} · ${format.money(order.totalCost)}`,
          ),
        ),
        receivable
          ? h(
              'form',
              { id: 'receiving-form', onsubmit: (event) => void submit(event) },
              table,
              h(
                'div',
                { class: 'bulk-bar' },
                h('button', { type: 'submit', class: 'primary', id: 'receiving-confirm' }, 'Confirm receipt'),
                h('span', { class: 'muted' }, 'Open quantities are filled in; change them for a partial delivery.'),
              ),
            )
          : [table, !can('warehouse', 'purchasing') && notice('This key cannot receive goods (warehouse or purchasing can).')],
      ),
    );
  }

  async function receive(order, lines) {
    const skus = [...new Set(lines.map((l) => order.lines.find((x) => x.line === l.line).sku))];
    try {
      const before = await onHandAt(skus, order.locationCode);
      const updated = await api(`/api/orders/purchase/${encodeURIComponent(order.id)}/receive`, { method: 'PUT', body: { lines } });
      const after = await onHandAt(skus, order.locationCode);
      const result = new Map(skus.map((sku) => [sku, { before: before.get(sku), after: after.get(sku) }]));
      renderOrder(updated, result);
      const units = lines.reduce((sum, l) => sum + l.quantity, 0);
      say(`Received ${format.int(units)} unit(s) on ${updated.poNumber}: now ${updated.status}`, 'ok');
      void loadAwaiting();
    } catch (error) {
      say(`${order.poNumber}: ${error.message}`, 'error');
    }
  }

  async function openOrder(poNumber) {
    say('');
    detail.replaceChildren(notice('Loading…'));
    try {
      renderOrder(await api(`/api/orders/purchase/number/${encodeURIComponent(poNumber)}`));
      detail.querySelector('h3')?.focus();
    } catch (error) {
      detail.replaceChildren(notice(error.message, 'error'));
    }
  }

  async function loadAwaiting() {
    const load = ++loads;
    if (!awaiting.firstChild) awaiting.append(notice('Loading…'));
    try {
      const lists = await Promise.all(
        ['ordered', 'partiallyReceived'].map((status) => api(`/api/orders/purchase${query({ status, sort: 'expectedDate', order: 'asc', limit: 100 })}`)),
      );
      if (load !== loads) return;
      const orders = lists.flatMap((l) => l.items).sort((a, b) => a.expectedDate.localeCompare(b.expectedDate));
      awaiting.replaceChildren(
        orders.length
          ? h(
              'table',
              { id: 'receiving-awaiting-table' },
              h('caption', { class: 'visually-hidden' }, 'Purchase orders awaiting delivery'),
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ['Number', 'Status', 'Supplier', 'Location', 'Expected', 'Lines', 'Units open'].map((c, i) =>
                    h('th', { scope: 'col', class: i >= 5 ? 'num' : null }, c),
                  ),
                ),
              ),
              h(
                'tbody',
                {},
                orders.map((o) =>
                  h(
                    'tr',
                    { dataset: { poNumber: o.poNumber } },
                    h('th', { scope: 'row' }, h('button', { type: 'button', class: 'link', onclick: () => void openOrder(o.poNumber) }, o.poNumber)),
                    h('td', {}, h('span', { class: `badge status-${o.status}` }, o.status)),
                    h('td', {}, o.supplierCode),
                    h('td', {}, o.locationCode),
                    h('td', {}, o.expectedDate.slice(0, 10)),
                    h('td', { class: 'num' }, format.int(o.lines.length)),
                    h('td', { class: 'num' }, format.int(o.lines.reduce((sum, l) => sum + open(l), 0))),
                  ),
                ),
              ),
            )
          : notice('No purchase orders awaiting delivery.'),
      );
    } catch (error) {
      if (load === loads) awaiting.replaceChildren(notice(error.message, 'error'));
    }
  }

  section.append(
    h('div', { class: 'view-head' }, h('h2', { id: 'receiving-title', tabindex: '-1' }, 'Receiving')),
    h(
      'form',
      {
        class: 'filters-bar',
        id: 'receiving-lookup',
        onsubmit: (event) => {
          event.preventDefault();
          void openOrder(numberInput.value.trim());
        },
      },
      h('label', { for: numberInput.id }, 'Purchase order number', numberInput),
      h('button', { type: 'submit' }, 'Find'),
    ),
    message,
    detail,
    h(
      'section',
      { class: 'panel pad', 'aria-labelledby': 'receiving-awaiting-title' },
      h('h3', { id: 'receiving-awaiting-title' }, 'Awaiting delivery'),
      awaiting,
    ),
  );

  return {
    section,
    show(params) {
      void loadAwaiting();
      if (params[0]) void openOrder(params[0]);
    },
    /** A receipt elsewhere (live): the list of what is awaited is read again. */
    refresh() {
      if (!section.hidden) void loadAwaiting();
    },
  };
}
