// The live stream of sales orders and goods receipts, newest first.

const MAX_ITEMS = 60;
const money = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const time = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function statusBadge(status) {
  const badge = element('span', `badge status-${status}`, status);
  badge.dataset.field = 'status';
  return badge;
}

function orderItem(order) {
  const item = element('li', 'item order');
  item.dataset.orderId = order.id;
  item.dataset.at = order.orderedAt;
  const head = element('div', 'item-head');
  head.append(
    element('span', 'kind', 'Sales order'),
    element('strong', '', order.orderNumber),
    statusBadge(order.status),
    element('time', 'when', time.format(new Date(order.orderedAt))),
  );
  const body = element('div', 'item-body');
  body.append(
    element('span', '', `${order.customerCode} · ${order.locationCode}`),
    element('span', '', `${order.lineCount} line${order.lineCount === 1 ? '' : 's'}`),
    element('span', 'amount', money.format(order.totalAmount)),
  );
  item.append(head, body);
  return item;
}

function receiptItem(receipt) {
  const item = element('li', 'item receipt');
  item.dataset.purchaseOrderId = receipt.purchaseOrderId;
  item.dataset.at = receipt.at;
  const head = element('div', 'item-head');
  head.append(
    element('span', 'kind', 'Goods received'),
    element('strong', '', receipt.poNumber),
    statusBadge(receipt.status),
    element('time', 'when', time.format(new Date(receipt.at))),
  );
  const body = element('div', 'item-body');
  body.append(element('span', '', `${receipt.supplierCode} → ${receipt.locationCode}`));
  const lines = element('span', 'lines', receipt.lines.map((l) => `${l.sku} ×${l.quantity}`).join(', '));
  body.append(lines);
  item.append(head, body);
  return item;
}

export function createStream(list, { onChange }) {
  function trim() {
    while (list.children.length > MAX_ITEMS) list.lastElementChild.remove();
    onChange();
  }

  return {
    replaceAll(orders, receipts) {
      const items = [...orders.map((o) => ({ at: o.orderedAt, node: orderItem(o) })), ...receipts.map((r) => ({ at: r.at, node: receiptItem(r) }))];
      items.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
      list.replaceChildren(...items.map((i) => i.node));
      trim();
    },

    orderCreated(order) {
      // The snapshot may already hold it (an event between its seq and its read).
      if (list.querySelector(`[data-order-id="${CSS.escape(order.id)}"]`)) return;
      list.prepend(orderItem(order));
      list.firstElementChild.classList.add('fresh');
      trim();
    },

    orderStatus(change) {
      const item = list.querySelector(`[data-order-id="${CSS.escape(change.orderId)}"]`);
      if (!item) return;
      item.querySelector('[data-field="status"]').replaceWith(statusBadge(change.to));
      item.classList.remove('fresh');
      void item.offsetWidth;
      item.classList.add('fresh');
    },

    receiptAdded(receipt) {
      const duplicate = [...list.querySelectorAll('.receipt')].some(
        (n) => n.dataset.purchaseOrderId === receipt.purchaseOrderId && n.dataset.at === receipt.at,
      );
      if (duplicate) return;
      list.prepend(receiptItem(receipt));
      list.firstElementChild.classList.add('fresh');
      trim();
    },
  };
}
