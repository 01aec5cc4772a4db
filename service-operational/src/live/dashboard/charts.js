// uPlot (vendored, served from node_modules by the operational service), loaded once on the first
// view that draws a chart, so a view without charts does not pay for it.
import { h } from './dom.js';

let uPlotReady = null;

/** The uPlot constructor, loading its script and CSS on the first call. */
export function loadUPlot() {
  uPlotReady ??= new Promise((resolve, reject) => {
    const css = h('link', { rel: 'stylesheet', href: '/dashboard/vendor/uPlot.min.css' });
    const script = h('script', { src: '/dashboard/vendor/uPlot.iife.min.js' });
    script.onload = () => resolve(window.uPlot);
    script.onerror = () => reject(new Error('The chart library could not be loaded'));
    document.head.append(css, script);
  });
  return uPlotReady;
}
