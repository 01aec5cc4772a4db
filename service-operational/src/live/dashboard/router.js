// A hash router: `#/overview`, `#/recommendations`, `#/stock`, `#/product/SKU-1`. Each view is a
// section shown alone; its `show(params)` runs on every visit (views reload their data then).

/**
 * @param {Record<string, { section: HTMLElement, show: (params: string[]) => void }>} views
 * @param {string} fallback the view of an empty or unknown hash
 */
export function startRouter(views, fallback) {
  function route() {
    const [name, ...params] = window.location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
    const current = views[name] ? name : fallback;
    // An unknown view becomes the fallback's address; an empty hash stays as it is (`/` is the overview).
    if (name && !views[name]) history.replaceState(null, '', `#/${fallback}`);
    for (const [viewName, view] of Object.entries(views)) view.section.hidden = viewName !== current;
    for (const link of document.querySelectorAll('[data-view]')) {
      if (link.dataset.view === current) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    document.body.dataset.view = current;
    views[current].show(params);
  }
  window.addEventListener('hashchange', route);
  route();
}
