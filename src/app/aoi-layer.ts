/**
 * Drawing and editing areas of interest on the stage, as SVG in the media's native pixel space:
 * `viewBox` = native size with `xMidYMid meet` lands exactly where `object-fit: contain` paints
 * the media, so shapes need no coordinate bookkeeping on resize. Shapes are focusable: arrow
 * keys move them (Shift ×10), Alt+arrows resize, Delete removes.
 */
import { clampShapeToFrame, validateShape, type Aoi, type AoiShape, type Vec2 } from '../analysis';
import { newId } from './audiences';

export type AoiTool = 'none' | 'rect' | 'poly';

const SVG = 'http://www.w3.org/2000/svg';
export const AOI_COLORS = ['#ffd34d', '#7ee787', '#ff7bd5', '#a5a1ff', '#56e0d0', '#ffa07a', '#c0e05a', '#f2f2f2'];
const SUGGESTED = ['Headline', 'Product', 'Call to action', 'Logo', 'Price', 'Face'];

export function aoiColor(index: number): string {
  return AOI_COLORS[index % AOI_COLORS.length]!;
}

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

export class AoiLayer {
  readonly svg: SVGSVGElement;
  private aois: Aoi[] = [];
  private tool: AoiTool = 'none';
  private draft: Vec2[] = [];
  private draftEl: SVGElement | null = null;
  private drag: { id: string; start: Vec2; orig: AoiShape } | null = null;
  private w = 1;
  private h = 1;
  visible = true;

  constructor(
    box: HTMLElement,
    private readonly onChange: (aois: Aoi[], created?: Aoi) => void,
    private readonly onToolEnd: () => void,
  ) {
    this.svg = el('svg', { class: 'aoi-layer', preserveAspectRatio: 'xMidYMid meet', 'aria-label': 'Areas of interest' });
    this.svg.setAttribute('role', 'group');
    box.append(this.svg);
    // label sizes are in screen pixels: re-render when the stage changes size (e.g. compare mode)
    new ResizeObserver(() => this.render()).observe(box);
    this.svg.addEventListener('pointerdown', (e) => this.pointerDown(e));
    this.svg.addEventListener('pointermove', (e) => this.pointerMove(e));
    this.svg.addEventListener('pointerup', (e) => this.pointerUp(e));
    this.svg.addEventListener('dblclick', () => this.closePolygon());
    this.svg.addEventListener('keydown', (e) => this.key(e));
    // while drawing, Enter/Escape finish or cancel wherever the focus is (the pointer drew, not the keyboard)
    document.addEventListener('keydown', (e) => {
      if (this.tool !== 'none' && !this.svg.contains(e.target as Node) && (e.key === 'Enter' || e.key === 'Escape')) this.key(e);
    });
  }

  setSize(width: number, height: number): void {
    this.w = width;
    this.h = height;
    this.svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
    this.render();
  }

  setAois(aois: readonly Aoi[]): void {
    this.aois = [...aois];
    this.render();
  }

  setTool(tool: AoiTool): void {
    this.tool = tool;
    this.draft = [];
    this.svg.classList.toggle('drawing', tool !== 'none');
    this.render();
  }

  setVisible(v: boolean): void {
    this.visible = v;
    this.svg.style.display = v ? '' : 'none';
  }

  private toNative(e: PointerEvent | MouseEvent): Vec2 {
    const m = this.svg.getScreenCTM();
    if (!m) return { x: 0, y: 0 };
    const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(m.inverse());
    return { x: Math.min(this.w, Math.max(0, p.x)), y: Math.min(this.h, Math.max(0, p.y)) };
  }

  private pointerDown(e: PointerEvent): void {
    if (e.button !== 0) return;
    const p = this.toNative(e);
    if (this.tool === 'rect') {
      this.draft = [p, p];
      this.svg.setPointerCapture(e.pointerId);
      this.renderDraft();
      e.preventDefault();
    } else if (this.tool === 'poly') {
      const first = this.draft[0];
      const unit = this.unit();
      if (first && this.draft.length >= 3 && Math.hypot(first.x - p.x, first.y - p.y) < 12 * unit) {
        this.closePolygon();
      } else {
        this.draft.push(p);
        this.renderDraft();
      }
      e.preventDefault();
    } else {
      const id = (e.target as Element).closest('[data-aoi]')?.getAttribute('data-aoi');
      const aoi = id ? this.aois.find((a) => a.id === id) : undefined;
      if (aoi) {
        this.drag = { id: aoi.id, start: p, orig: aoi.shape };
        this.svg.setPointerCapture(e.pointerId);
      }
    }
  }

  private pointerMove(e: PointerEvent): void {
    const p = this.toNative(e);
    if (this.tool === 'rect' && this.draft.length === 2) {
      this.draft[1] = p;
      this.renderDraft();
    } else if (this.tool === 'poly' && this.draft.length > 0) {
      this.renderDraft(p);
    } else if (this.drag) {
      const d = this.drag;
      this.replace(d.id, clampShapeToFrame(moveShape(d.orig, p.x - d.start.x, p.y - d.start.y), this.w, this.h), false);
    }
  }

  private pointerUp(e: PointerEvent): void {
    if (this.tool === 'rect' && this.draft.length === 2) {
      const [a, b] = this.draft as [Vec2, Vec2];
      this.draft = [];
      const shape: AoiShape = { kind: 'rect', x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), width: Math.abs(b.x - a.x), height: Math.abs(b.y - a.y) };
      // a click without a drag is not an area
      if (shape.width > 4 * this.unit() && shape.height > 4 * this.unit()) this.create(shape);
      else this.render();
      this.svg.releasePointerCapture(e.pointerId);
    } else if (this.drag) {
      this.drag = null;
      this.onChange(this.aois);
    }
  }

  private closePolygon(): void {
    if (this.tool !== 'poly') return;
    const pts = this.draft;
    this.draft = [];
    if (pts.length >= 3) this.create({ kind: 'polygon', points: pts });
    else this.render();
  }

  private create(shape: AoiShape): void {
    try {
      validateShape(shape);
    } catch {
      this.render();
      return;
    }
    const used = new Set(this.aois.map((a) => a.name));
    const name = SUGGESTED.find((n) => !used.has(n)) ?? `Area ${this.aois.length + 1}`;
    const aoi: Aoi = { id: newId('aoi'), name, shape };
    this.aois.push(aoi);
    this.render();
    this.onChange(this.aois, aoi);
    this.tool = 'none';
    this.svg.classList.remove('drawing');
    this.onToolEnd();
  }

  /** Adds a rectangle in the middle of the frame: the keyboard route to an AOI. */
  addCentredRect(): void {
    this.create({ kind: 'rect', x: this.w * 0.35, y: this.h * 0.35, width: this.w * 0.3, height: this.h * 0.3 });
  }

  private replace(id: string, shape: AoiShape, commit: boolean): void {
    this.aois = this.aois.map((a) => (a.id === id ? { ...a, shape } : a));
    this.render();
    if (commit) this.onChange(this.aois);
  }

  private key(e: KeyboardEvent): void {
    if (this.tool === 'poly' && (e.key === 'Enter' || e.key === 'Escape')) {
      if (e.key === 'Enter') this.closePolygon();
      else { this.draft = []; this.render(); this.setTool('none'); this.onToolEnd(); }
      e.preventDefault();
      return;
    }
    if (this.tool === 'rect' && e.key === 'Escape') { this.setTool('none'); this.onToolEnd(); return; }
    const id = (e.target as Element).getAttribute?.('data-aoi');
    const aoi = id ? this.aois.find((a) => a.id === id) : undefined;
    if (!aoi) return;
    if (e.key === 'Delete' || e.key === 'Backspace') {
      this.aois = this.aois.filter((a) => a.id !== aoi.id);
      this.render();
      this.onChange(this.aois);
      e.preventDefault();
      return;
    }
    const dirs: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    const d = dirs[e.key];
    if (!d) return;
    e.preventDefault();
    const step = (e.shiftKey ? 10 : 1) * Math.max(1, Math.round(Math.max(this.w, this.h) / 400));
    // kept inside the picture: an area pushed off it could be neither seen nor grabbed again
    const next = clampShapeToFrame(e.altKey ? resizeShape(aoi.shape, d[0] * step, d[1] * step) : moveShape(aoi.shape, d[0] * step, d[1] * step), this.w, this.h);
    try { validateShape(next); } catch { return; }
    this.replace(aoi.id, next, true);
    (this.svg.querySelector(`[data-aoi="${aoi.id}"]`) as SVGElement | null)?.focus();
  }

  /** one screen pixel in native pixels */
  private unit(): number {
    const m = this.svg.getScreenCTM();
    return m && m.a > 0 ? 1 / m.a : 1;
  }

  private renderDraft(hover?: Vec2): void {
    this.draftEl?.remove();
    this.draftEl = null;
    if (this.draft.length === 0) return;
    if (this.tool === 'rect') {
      const [a, b] = this.draft as [Vec2, Vec2];
      this.draftEl = el('rect', { class: 'aoi-draft', x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), width: Math.abs(b.x - a.x), height: Math.abs(b.y - a.y) });
    } else {
      const pts = hover ? [...this.draft, hover] : this.draft;
      this.draftEl = el('polyline', { class: 'aoi-draft', points: pts.map((p) => `${p.x},${p.y}`).join(' ') });
    }
    this.svg.append(this.draftEl);
  }

  render(): void {
    this.svg.replaceChildren();
    this.draftEl = null;
    const unit = this.unit();
    this.aois.forEach((a, i) => {
      const color = aoiColor(i);
      const g = el('g');
      const s = a.shape;
      const shapeEl =
        s.kind === 'rect'
          ? el('rect', { x: s.x, y: s.y, width: s.width, height: s.height })
          : el('polygon', { points: s.points.map((p) => `${p.x},${p.y}`).join(' ') });
      shapeEl.setAttribute('class', 'aoi-shape');
      shapeEl.setAttribute('data-aoi', a.id);
      shapeEl.setAttribute('tabindex', '0');
      shapeEl.setAttribute('role', 'img');
      shapeEl.setAttribute('aria-label', `Area “${a.name}”. Arrow keys move it, Alt+arrows resize, Delete removes.`);
      shapeEl.style.setProperty('--aoi-color', color);
      const b = bounds(s);
      const label = el('text', { class: 'aoi-label', x: b.x0 + 6 * unit, y: b.y0 + 18 * unit });
      label.style.fontSize = `${13 * unit}px`;
      label.style.strokeWidth = `${3 * unit}px`;
      label.style.fill = color;
      label.textContent = a.name;
      g.append(shapeEl, label);
      this.svg.append(g);
    });
    if (this.draft.length) this.renderDraft();
  }
}

function bounds(s: AoiShape): { x0: number; y0: number } {
  if (s.kind === 'rect') return { x0: s.x, y0: s.y };
  return { x0: Math.min(...s.points.map((p) => p.x)), y0: Math.min(...s.points.map((p) => p.y)) };
}

export function moveShape(s: AoiShape, dx: number, dy: number): AoiShape {
  if (s.kind === 'rect') return { ...s, x: s.x + dx, y: s.y + dy };
  return { kind: 'polygon', points: s.points.map((p) => ({ x: p.x + dx, y: p.y + dy })) };
}

/** Rectangles grow at their right/bottom edge; polygons scale about their first corner. */
export function resizeShape(s: AoiShape, dw: number, dh: number): AoiShape {
  if (s.kind === 'rect') return { ...s, width: Math.max(1, s.width + dw), height: Math.max(1, s.height + dh) };
  const xs = s.points.map((p) => p.x), ys = s.points.map((p) => p.y);
  const x0 = Math.min(...xs), y0 = Math.min(...ys);
  const w = Math.max(1, Math.max(...xs) - x0), h = Math.max(1, Math.max(...ys) - y0);
  const fx = Math.max(0.05, (w + dw) / w), fy = Math.max(0.05, (h + dh) / h);
  return { kind: 'polygon', points: s.points.map((p) => ({ x: x0 + (p.x - x0) * fx, y: y0 + (p.y - y0) * fy })) };
}
