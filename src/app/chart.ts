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
  /** share 0..1 per time */
  readonly values: readonly number[];
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
    const data: uPlot.AlignedData = [Float64Array.from(timesS), ...series.map((s) => Float64Array.from(s.values, (v) => v * 100))];
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
            { label: 'time (s)' },
            ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, dash: s.dashed ? [6, 4] : [], points: { show: false } })),
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

  /** The chart as a PNG data URL (for the printable report), on a white background. */
  toDataUrl(): string | null {
    if (!this.plot) return null;
    const src = this.plot.ctx.canvas;
    const c = document.createElement('canvas');
    c.width = src.width;
    c.height = src.height;
    const g = c.getContext('2d')!;
    g.fillStyle = '#17181c';
    g.fillRect(0, 0, c.width, c.height);
    g.drawImage(src, 0, 0);
    return c.toDataURL('image/png');
  }
}
