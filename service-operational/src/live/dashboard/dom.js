// Small DOM helpers shared by the views: build elements with text only (never HTML strings).

/**
 * `h('a', { href: '#/x', class: 'link' }, 'text', child)`; attributes starting with `on` are listeners,
 * `dataset` an object; null/false children are skipped.
 */
export function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else if (name === 'class') node.className = value;
    else if (value === true) node.setAttribute(name, '');
    else node.setAttribute(name, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
let money = new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD' });
const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });

/** Money in the tenant's currency (ISO 4217, from the session), in the browser's locale. */
export function setCurrency(code) {
  try {
    money = new Intl.NumberFormat(undefined, { style: 'currency', currency: code });
  } catch {
    money = new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD' });
  }
}

export const format = {
  int: (n) => (n === null || n === undefined ? '–' : integer.format(n)),
  num: (n) => (n === null || n === undefined ? '–' : decimal.format(n)),
  money: (n) => (n === null || n === undefined ? '–' : money.format(n)),
  percent: (n) => (n === null || n === undefined ? '–' : percent.format(n)),
  day: (d) => d ?? '–',
};

/** A view's message line: loading, empty or an error, announced to screen readers. */
export function notice(text, kind = 'info') {
  return h('p', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}
