/** Small DOM helpers every panel of the app uses. */

/** The element with this id in index.html (a missing one is a bug in the page, said at once). */
export const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const e = document.getElementById(id);
  if (!e) throw new Error(`#${id} missing from index.html`);
  return e as T;
};

/** Media time as m:ss.s */
export function fmtTime(s: number): string {
  if (!Number.isFinite(s)) return '0:00.0';
  const m = Math.floor(s / 60);
  return `${m}:${(s - m * 60).toFixed(1).padStart(4, '0')}`;
}

/**
 * An area's name on a table row of its own, its colour swatch first (the AOI table in creatives
 * mode and the study table): the figures go on the rows under it, so they keep the narrow panel's
 * width for themselves and a long name wraps on its own row.
 */
export function areaNameRow(tbody: HTMLTableSectionElement, name: string, color: string, colSpan: number): HTMLTableRowElement {
  const row = tbody.insertRow();
  row.className = 'area-row';
  const cell = row.insertCell();
  cell.colSpan = colSpan;
  const sw = document.createElement('span');
  sw.className = 'aoi-color';
  sw.style.background = color;
  cell.append(sw, document.createTextNode(name));
  return row;
}
