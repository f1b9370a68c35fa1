/**
 * The timeline strip of a whole-video analysis: one column per analysed frame, one row per
 * (AOI, audience) with the AOI's colour at an intensity proportional to its share of attention
 * (or, with no AOIs, one row per audience showing how concentrated attention is). Clicking or
 * the arrow keys jump the video to that frame.
 */
export interface TimelineRow {
  readonly label: string;
  readonly color: string;
  /** 0..1 per analysed frame */
  readonly values: readonly number[];
}

export class TimelineStrip {
  private times: readonly number[] = [];
  private rows: readonly TimelineRow[] = [];
  private durationS = 0;
  private cursorS = 0;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly onSeek: (timeS: number) => void,
  ) {
    canvas.addEventListener('click', (e) => {
      const r = canvas.getBoundingClientRect();
      if (this.durationS > 0) this.onSeek(this.snap(((e.clientX - r.left) / r.width) * this.durationS));
    });
    canvas.addEventListener('keydown', (e) => {
      if (this.times.length === 0) return;
      const i = this.nearestIndex(this.cursorS);
      const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? this.times.length - 1 : null;
      if (next === null) return;
      e.preventDefault();
      this.onSeek(this.times[Math.max(0, Math.min(this.times.length - 1, next))]!);
    });
    new ResizeObserver(() => this.draw()).observe(canvas);
  }

  private nearestIndex(t: number): number {
    let best = 0;
    this.times.forEach((x, i) => { if (Math.abs(x - t) < Math.abs(this.times[best]! - t)) best = i; });
    return best;
  }

  private snap(t: number): number {
    return this.times.length ? this.times[this.nearestIndex(t)]! : t;
  }

  set(timesS: readonly number[], rows: readonly TimelineRow[], durationS: number): void {
    this.times = timesS;
    this.rows = rows;
    this.durationS = durationS;
    this.canvas.style.height = `${Math.max(40, Math.min(8, rows.length) * 14 + 8)}px`;
    this.draw();
  }

  setCursor(timeS: number): void {
    this.cursorS = timeS;
    this.draw();
  }

  draw(): void {
    const c = this.canvas;
    const dpr = window.devicePixelRatio || 1;
    const W = Math.max(1, Math.round(c.clientWidth * dpr)), H = Math.max(1, Math.round(c.clientHeight * dpr));
    if (c.width !== W || c.height !== H) { c.width = W; c.height = H; }
    const g = c.getContext('2d')!;
    g.clearRect(0, 0, W, H);
    if (this.durationS <= 0) return;
    const rows = this.rows.slice(0, 8);
    if (rows.length === 0) {
      g.font = `${12 * dpr}px system-ui, sans-serif`;
      g.fillStyle = '#9a9ea8';
      g.textBaseline = 'middle';
      g.fillText('Analyse the whole video to see attention over time here; click to jump to a frame.', 10 * dpr, H / 2);
    }
    const rowH = rows.length ? (H - 8 * dpr) / rows.length : 0;
    const colW = (i: number) => {
      const t0 = i === 0 ? 0 : (this.times[i - 1]! + this.times[i]!) / 2;
      const t1 = i === this.times.length - 1 ? this.durationS : (this.times[i]! + this.times[i + 1]!) / 2;
      return [(t0 / this.durationS) * W, (t1 / this.durationS) * W] as const;
    };
    rows.forEach((row, r) => {
      g.fillStyle = row.color;
      row.values.forEach((v, i) => {
        const [x0, x1] = colW(i);
        g.globalAlpha = Math.min(1, 0.08 + Math.sqrt(Math.max(0, v)) * 0.92);
        g.fillRect(x0, 4 * dpr + r * rowH + 1, Math.max(1, x1 - x0 - 0.5), rowH - 2);
      });
    });
    g.globalAlpha = 1;
    // row labels at the left edge, legible over any colour
    if (rowH >= 10 * dpr) {
      g.font = `600 ${Math.min(11, rowH / dpr - 2) * dpr}px system-ui, sans-serif`;
      g.textBaseline = 'middle';
      rows.forEach((row, r) => {
        const y = 4 * dpr + r * rowH + rowH / 2;
        const w = g.measureText(row.label).width + 8 * dpr;
        g.fillStyle = 'rgba(10, 10, 12, 0.75)';
        g.fillRect(0, y - rowH / 2 + 1, w, rowH - 2);
        g.fillStyle = '#e8e9ec';
        g.fillText(row.label, 4 * dpr, y);
      });
    }
    const x = (this.cursorS / this.durationS) * W;
    g.fillStyle = '#ffd34d';
    g.fillRect(x - dpr, 0, 2 * dpr, H);
  }
}
