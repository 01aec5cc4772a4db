// Stock: every position, a page of 100 at a time from GET /api/stock/current (keyset paging, so a
// deep page costs what the first does and 100,000 positions never reach the page at once), with
// the list's own filters (exact SKU, exact location, low stock). Live `stock:updated` events
// update the rows of the page shown (stock-table.js).
import { api, query } from '../api.js';
import { createStockTable } from '../stock-table.js';

export const STOCK_PAGE_SIZE = 100;
const $ = (id) => document.getElementById(id);

export function createStockView(section) {
  const table = createStockTable($('stock-rows'), { onChange: () => {}, appendNew: false });
  /** cursors[i] = the cursor that loads page i (page 0: none). */
  let cursors = [undefined];
  let page = 0;
  let nextCursor = null;
  let filters = {};
  let loads = 0;
  let loaded = false;

  async function load() {
    const load = ++loads;
    $('page-info').textContent = 'Loading…';
    try {
      const answer = await api(`/api/stock/current${query({ ...filters, limit: STOCK_PAGE_SIZE, cursor: cursors[page] })}`);
      if (load !== loads) return;
      loaded = true;
      table.replaceAll(answer.items);
      nextCursor = answer.nextCursor;
      const first = page * STOCK_PAGE_SIZE + 1;
      $('page-info').textContent = answer.items.length
        ? `Rows ${first.toLocaleString()}–${(first + answer.items.length - 1).toLocaleString()} · page ${page + 1}`
        : 'No rows';
      document.body.dataset.stockPage = String(page + 1);
      $('stock-empty').hidden = answer.items.length > 0;
      $('page-prev').disabled = page === 0;
      $('page-next').disabled = nextCursor === null;
    } catch (error) {
      if (load === loads) $('page-info').textContent = error.message;
    }
  }

  $('page-next').addEventListener('click', () => {
    if (nextCursor === null) return;
    cursors[page + 1] = nextCursor;
    page += 1;
    void load();
  });
  $('page-prev').addEventListener('click', () => {
    if (page === 0) return;
    page -= 1;
    void load();
  });
  $('stock-filters').addEventListener('submit', (event) => {
    event.preventDefault();
    filters = { sku: $('filter-sku').value.trim(), locationCode: $('filter-location').value.trim(), lowStock: $('low-only').checked ? 'true' : '' };
    cursors = [undefined];
    page = 0;
    void load();
  });
  $('low-only').addEventListener('change', () => $('stock-filters').requestSubmit());

  return {
    section,
    table,
    show() {
      if (!loaded) void load();
    },
    /** After a resync (the snapshot was reloaded): the page shown is read again. */
    reload() {
      if (loaded || !section.hidden) void load();
    },
  };
}
