/**
 * The legend: what the marks of an overlay mean — which colour is which audience, what the heatmap
 * ramp and the difference colours stand for, that a circle's area is its share of attention and
 * its number the predicted visit order. One list of entries (`legendEntries`, pure) is shown as
 * HTML under the stages and drawn into every export (PNG, report frames, video), so an exported
 * picture explains itself without the app around it.
 */
import { ATTENTION_HEATMAP, colormapLut } from '../index';

export type LegendEntry =
  | { readonly kind: 'audience'; readonly color: string; readonly label: string }
  | { readonly kind: 'ramp'; readonly label: string }
  | { readonly kind: 'diverging'; readonly colorA: string; readonly colorB: string; readonly label: string }
  | { readonly kind: 'points'; readonly label: string };

export interface LegendView {
  readonly mode: 'single' | 'compare' | 'difference' | 'creatives';
  readonly a: { readonly name: string; readonly color: string };
  /** creatives mode: the two files (one audience, A, on both) */
  readonly creatives?: { readonly a: string; readonly b: string };
  readonly b?: { readonly name: string; readonly color: string };
  readonly heatmap: boolean;
  readonly points: boolean;
}

/** The entries for one panel: audience A's (`panel` 'a', also single and difference) or B's in compare mode. */
export function legendEntries(v: LegendView, panel: 'a' | 'b' = 'a'): LegendEntry[] {
  const out: LegendEntry[] = [];
  const who = panel === 'b' && v.b ? v.b : v.a;
  if (v.mode === 'creatives' && v.creatives) {
    const file = panel === 'b' ? v.creatives.b : v.creatives.a;
    out.push({ kind: 'audience', color: v.a.color, label: `Creative ${panel === 'b' ? 'B' : 'A'}: ${file} · ${v.a.name}` });
    if (v.heatmap) out.push({ kind: 'ramp', label: 'attention: low → high' });
  } else if (v.mode === 'difference' && v.b) {
    out.push({ kind: 'audience', color: v.a.color, label: `A: ${v.a.name}` }, { kind: 'audience', color: v.b.color, label: `B: ${v.b.name}` });
    if (v.heatmap) out.push({ kind: 'diverging', colorA: v.a.color, colorB: v.b.color, label: `where A looks more · where B looks more` });
  } else {
    out.push({ kind: 'audience', color: who.color, label: v.mode === 'compare' ? `${panel === 'b' ? 'B' : 'A'}: ${who.name}` : who.name });
    if (v.heatmap) out.push({ kind: 'ramp', label: 'attention: low → high' });
  }
  if (v.points) out.push({ kind: 'points', label: 'circle area = share of attention · number = predicted visit order' });
  return out;
}

/** CSS gradient of the heatmap ramp, from ATTENTION_HEATMAP's range (for the on-screen legend). */
export function rampGradient(stops = 6): string {
  const lut = colormapLut(ATTENTION_HEATMAP.colormap);
  const [from, to] = ATTENTION_HEATMAP.range;
  const cols = Array.from({ length: stops }, (_, i) => {
    const k = Math.round((from + ((to - from) * i) / (stops - 1)) * 255) * 3;
    return `rgb(${lut[k]}, ${lut[k + 1]}, ${lut[k + 2]})`;
  });
  return `linear-gradient(to right, ${cols.join(', ')})`;
}

/** The legend as HTML (built with DOM calls: names are user text). */
export function renderLegend(host: HTMLElement, entries: readonly LegendEntry[]): void {
  host.replaceChildren();
  for (const e of entries) {
    const item = document.createElement('span');
    item.className = `legend-item ${e.kind}`;
    const key = document.createElement('span');
    key.className = 'legend-key';
    key.setAttribute('aria-hidden', 'true');
    if (e.kind === 'audience') key.style.background = e.color;
    else if (e.kind === 'ramp') key.style.background = rampGradient();
    else if (e.kind === 'diverging') key.style.background = `linear-gradient(to right, ${e.colorA}, #000 50%, ${e.colorB})`;
    else key.textContent = '1';
    item.append(key, document.createTextNode(e.label));
    host.append(item);
  }
}

type Ctx = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/**
 * Draws the legend into an export, bottom left of the frame, on a dark box; `unit` is one
 * display pixel in native pixels (exportUnit), so it reads like the screen at any resolution.
 */
export function drawLegend(ctx: Ctx, entries: readonly LegendEntry[], frameW: number, frameH: number, unit: number): void {
  if (entries.length === 0) return;
  const font = 12 * unit, pad = 7 * unit, line = 18 * unit, key = 22 * unit;
  ctx.save();
  ctx.setLineDash([]);
  ctx.globalAlpha = 1;
  ctx.font = `600 ${font}px system-ui, sans-serif`;
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  const maxText = Math.min(frameW - 2 * pad - key - 6 * unit - 20 * unit, Math.max(...entries.map((e) => ctx.measureText(e.label).width)));
  const w = pad * 2 + key + 6 * unit + maxText, h = pad * 2 + line * entries.length;
  const x0 = 10 * unit, y0 = frameH - h - 10 * unit;
  ctx.fillStyle = 'rgba(12, 13, 16, 0.78)';
  ctx.fillRect(x0, y0, w, h);
  entries.forEach((e, i) => {
    const y = y0 + pad + line * i + line / 2;
    const kx = x0 + pad;
    if (e.kind === 'audience') {
      ctx.fillStyle = e.color;
      ctx.beginPath();
      ctx.arc(kx + key / 2, y, 5 * unit, 0, Math.PI * 2);
      ctx.fill();
    } else if (e.kind === 'ramp' || e.kind === 'diverging') {
      const g = ctx.createLinearGradient(kx, 0, kx + key, 0);
      if (e.kind === 'ramp') {
        const lut = colormapLut(ATTENTION_HEATMAP.colormap);
        const [from, to] = ATTENTION_HEATMAP.range;
        for (let s = 0; s <= 4; s++) {
          const k = Math.round((from + ((to - from) * s) / 4) * 255) * 3;
          g.addColorStop(s / 4, `rgb(${lut[k]}, ${lut[k + 1]}, ${lut[k + 2]})`);
        }
      } else {
        g.addColorStop(0, e.colorA);
        g.addColorStop(0.5, '#000');
        g.addColorStop(1, e.colorB);
      }
      ctx.fillStyle = g;
      ctx.fillRect(kx, y - 4 * unit, key, 8 * unit);
    } else {
      ctx.strokeStyle = '#e8e9ec';
      ctx.lineWidth = 1.5 * unit;
      ctx.beginPath();
      ctx.arc(kx + key / 2, y, 7 * unit, 0, Math.PI * 2);
      ctx.stroke();
      ctx.fillStyle = '#e8e9ec';
      ctx.textAlign = 'center';
      ctx.font = `700 ${9 * unit}px system-ui, sans-serif`;
      ctx.fillText('1', kx + key / 2, y + 0.5 * unit);
      ctx.textAlign = 'left';
      ctx.font = `600 ${font}px system-ui, sans-serif`;
    }
    ctx.fillStyle = '#e8e9ec';
    ctx.fillText(e.label, kx + key + 6 * unit, y, maxText);
  });
  ctx.restore();
}
