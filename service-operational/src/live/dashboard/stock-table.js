// The current-stock table, updated in place: one row per SKU × location,
// keyed by data-sku / data-location, one cell per field (data-field). It holds one page of
// positions (views/stock.js pages through the stock list API); live events update the rows shown.

const FIELDS = ['sku', 'locationCode', 'onHand', 'reserved', 'available', 'reorderPoint', 'onOrder', 'damaged', 'updatedAt'];
const NUMERIC = new Set(['onHand', 'reserved', 'available', 'reorderPoint', 'onOrder', 'damaged']);
const numberFormat = new Intl.NumberFormat();
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dayFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });

function formatTime(iso) {
  const date = new Date(iso);
  const today = new Date().toDateString() === date.toDateString();
  return today ? timeFormat.format(date) : `${dayFormat.format(date)} ${timeFormat.format(date)}`;
}

export function createStockTable(body, { onChange, appendNew = true }) {
  /** key → { row, updatedAt, movementId } */
  const rows = new Map();
  const keyOf = (p) => `${p.sku}\u0000${p.locationCode}`;

  function fill(row, position) {
    row.classList.toggle('low-stock', position.lowStock);
    row.dataset.lowStock = String(position.lowStock);
    for (const field of FIELDS) {
      const cell = row.querySelector(`[data-field="${field}"]`);
      const value = position[field];
      if (field === 'updatedAt') {
        cell.textContent = formatTime(value);
        cell.title = value;
      } else {
        cell.textContent = NUMERIC.has(field) ? numberFormat.format(value) : value;
      }
    }
  }

  function createRow(position) {
    const row = document.createElement('tr');
    row.dataset.sku = position.sku;
    row.dataset.location = position.locationCode;
    for (const field of FIELDS) {
      const cell = document.createElement(field === 'sku' ? 'th' : 'td');
      if (field === 'sku') cell.scope = 'row';
      cell.dataset.field = field;
      if (NUMERIC.has(field)) cell.className = 'num';
      row.append(cell);
    }
    return row;
  }

  function isOlder(position, movementId, known) {
    if (position.updatedAt !== known.updatedAt) return position.updatedAt < known.updatedAt;
    // Same millisecond: ObjectIds of one service grow with time, so the larger one is newer.
    return Boolean(movementId && known.movementId && movementId < known.movementId);
  }

  return {
    replaceAll(positions) {
      rows.clear();
      const fragment = document.createDocumentFragment();
      for (const position of positions) {
        const row = createRow(position);
        fill(row, position);
        rows.set(keyOf(position), { row, updatedAt: position.updatedAt, movementId: null });
        fragment.append(row);
      }
      body.replaceChildren(fragment);
      onChange();
    },

    /** Apply one position from a stock event; ignore it if the row already shows something newer. */
    update(position, movementId) {
      const key = keyOf(position);
      const known = rows.get(key);
      // A paged table shows one page: a position of another page is not added to this one.
      if (!known && !appendNew) return false;
      if (known && isOlder(position, movementId, known)) return false;
      const row = known?.row ?? createRow(position);
      fill(row, position);
      rows.set(key, { row, updatedAt: position.updatedAt, movementId: movementId ?? null });
      if (!known) body.append(row);
      row.classList.remove('flash');
      // Restart the highlight animation on every change.
      void row.offsetWidth;
      row.classList.add('flash');
      onChange();
      return true;
    },

    /** Show only rows matching the text filter (and low stock, if asked). */
    filter(text, lowOnly) {
      const needle = text.trim().toLowerCase();
      for (const { row } of rows.values()) {
        const matches = !needle || row.dataset.sku.toLowerCase().includes(needle) || row.dataset.location.toLowerCase().includes(needle);
        row.hidden = !matches || (lowOnly && !row.classList.contains('low-stock'));
      }
    },

    counts() {
      let low = 0;
      for (const { row } of rows.values()) if (row.classList.contains('low-stock')) low += 1;
      return { positions: rows.size, low };
    },
  };
}
