/**
 * Attention over time per AOI, with uPlot: small (~50 KB), fast on thousands of points, canvas
 * based (so the report can embed it as an image) and actively maintained. Audience A is drawn
 * solid, audience B dashed, one colour per AOI (the AOI's colour on the stage).
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  readonly label: string;
  readonly color: string;
  readonly dashed: boolean;
  /** share 0..1 per time; shorter than the times where the series ends early (a creative B shorter than A): a gap after its end */
  readonly values: readonly number[];
}

/** AOI colours are chosen for a dark stage; on paper the light ones need a darker twin. */
export function printInk(color: string): string {
  const c = color.toLowerCase();
  return c === '#ffd34d' ? '#c99a00' : c === '#f2f2f2' ? '#666666' : c === '#c0e05a' ? '#7f9a1f' : c;
}

export class AttentionChart {
  private plot: uPlot | null = null;
  private key = '';
  /** the series drawn, for a legend outside the canvas (the report) */
  series: readonly ChartSeries[] = [];

  constructor(
    private readonly host: HTMLElement,
    private readonly onSeek: (timeS: number) => void,
  ) {
    new ResizeObserver(() => this.plot?.setSize({ width: this.width(), height: 180 })).observe(host);
  }

  private width(): number {
    return Math.max(200, this.host.clientWidth);
  }

  update(timesS: readonly number[], series: readonly ChartSeries[], cursorS?: number): void {
    if (series.length === 0 || timesS.length === 0) {
      this.plot?.destroy();
      this.plot = null;
      this.key = '';
      return;
    }
    this.series = series;
    const data: uPlot.AlignedData = [Float64Array.from(timesS), ...series.map((s) => Array.from(timesS, (_, i) => (i < s.values.length ? s.values[i]! * 100 : null)))];
    const key = series.map((s) => `${s.label}|${s.color}|${s.dashed}`).join(';');
    if (this.plot && key === this.key) {
      this.plot.setData(data);
    } else {
      this.plot?.destroy();
      this.key = key;
      const axis = { stroke: '#9a9ea8', grid: { stroke: '#2c2f36', width: 1 }, ticks: { stroke: '#2c2f36' } };
      this.plot = new uPlot(
        {
          width: this.width(),
          height: 180,
          cursor: { drag: { x: false, y: false } },
          // shares are often a few %: scale to the largest, in steps of 10 %
          scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, Math.min(100, Math.max(10, Math.ceil(max / 10) * 10))] } },
          axes: [
            { ...axis, values: (_u, v) => v.map((s) => `${s.toFixed(s < 10 ? 1 : 0)}s`) },
            { ...axis, size: 40, values: (_u, v) => v.map((s) => `${s}%`) },
          ],
          series: [
            // the legend's readout in the axes' units ("34.9 %", not the raw 34.864)
            { label: 'time', value: (_u: uPlot, v: number | null) => (v == null ? '—' : `${v.toFixed(1)} s`) },
            ...series.map((s) => ({
              label: s.label, stroke: s.color, width: 2, dash: s.dashed ? [6, 4] : [], points: { show: false },
              value: (_u: uPlot, v: number | null) => (v == null ? '—' : `${v.toFixed(1)} %`),
            })),
          ],
          hooks: {
            ready: [
              (u: uPlot) => {
                u.over.addEventListener('click', () => {
                  const idx = u.cursor.idx;
                  if (idx !== null && idx !== undefined) this.onSeek(u.data[0][idx]!);
                });
              },
            ],
          },
        },
        data,
        this.host,
      );
    }
    if (cursorS !== undefined && this.plot) {
      const left = this.plot.valToPos(cursorS, 'x');
      this.plot.setCursor({ left, top: 10 });
    }
  }

  /**
   * The chart for the printed report: drawn again at print size in a light theme (dark lines
   * on white), in a hidden host, and returned as a PNG data URL.
   */
  async toDataUrl(width = 900, height = 280): Promise<string | null> {
    const p = this.plot;
    if (!p || this.series.length === 0) return null;
    const host = document.createElement('div');
    host.style.cssText = 'position:fixed;left:-10000px;top:0;background:#fff';
    document.body.append(host);
    const axis = { stroke: '#333', grid: { stroke: '#ddd', width: 1 }, ticks: { stroke: '#bbb' } };
    const ink = printInk;
    // uPlot draws in a microtask after construction: wait for its draw hook before reading pixels
    let drawn!: () => void;
    const ready = new Promise<void>((r) => (drawn = r));
    const printPlot = new uPlot(
      {
        width,
        height,
        pxAlign: 1,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, Math.min(100, Math.max(10, Math.ceil(max / 10) * 10))] } },
        axes: [
          { ...axis, values: (_u, v) => v.map((x) => `${x.toFixed(x < 10 ? 1 : 0)}s`) },
          { ...axis, size: 44, values: (_u, v) => v.map((x) => `${x}%`) },
        ],
        series: [{}, ...this.series.map((s) => ({ stroke: ink(s.color), width: 2.5, dash: s.dashed ? [7, 5] : [], points: { show: false } }))],
        hooks: { draw: [() => drawn()] },
      },
      p.data,
      host,
    );
    await Promise.race([ready, new Promise((r) => setTimeout(r, 1000))]);
    const src = printPlot.ctx.canvas;
    const c = document.createElement('canvas');
    c.width = src.width;
    c.height = src.height;
    const g = c.getContext('2d')!;
    g.fillStyle = '#fff';
    g.fillRect(0, 0, c.width, c.height);
    g.drawImage(src, 0, 0);
    printPlot.destroy();
    host.remove();
    return c.toDataURL('image/png');
  }
}
