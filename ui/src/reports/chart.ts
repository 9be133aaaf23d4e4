// Chart.js with only what the Reports screen draws (bars, their axes,
// tooltips and legend), so the rest of the library is left out of the
// bundle. It draws on a canvas and injects no stylesheet: it runs inside
// the app's CSP as it is.

import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

export { Chart };

/** A colour of the app's palette (app.css), for the canvas, which cannot read CSS variables. */
export function themeColour(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}
