/**
 * A progress bar on stderr: redrawn in place on a terminal; on a pipe or CI log (no TTY), a plain
 * line at most every 2 seconds, so logs stay short. stdout stays free for the written paths.
 */
export class ProgressBar {
  readonly #out: { write(s: string): unknown; readonly isTTY?: boolean };
  readonly #total: number;
  readonly #enabled: boolean;
  readonly #t0 = performance.now();
  #done = 0;
  #lastLine = 0;
  #drawn = false;

  constructor(out: { write(s: string): unknown; readonly isTTY?: boolean }, total: number, enabled: boolean) {
    this.#out = out;
    this.#total = total;
    this.#enabled = enabled && total > 0;
  }

  #text(current: string): string {
    const s = (performance.now() - this.#t0) / 1000;
    const rate = this.#done / Math.max(s, 1e-9);
    const eta = rate > 0 ? (this.#total - this.#done) / rate : 0;
    const width = 24;
    const filled = Math.round((width * this.#done) / this.#total);
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.#done}/${this.#total} ${rate.toFixed(1)} files/s eta ${eta.toFixed(0)} s ${current}`;
  }

  tick(current: string): void {
    this.#done++;
    if (!this.#enabled) return;
    if (this.#out.isTTY) {
      const cols = (this.#out as { columns?: number }).columns ?? 100;
      this.#out.write(`\r\x1b[2K${this.#text(current).slice(0, cols - 1)}`);
      this.#drawn = true;
    } else if (performance.now() - this.#lastLine > 2000 || this.#done === this.#total) {
      this.#lastLine = performance.now();
      this.#out.write(`${this.#text(current)}\n`);
    }
  }

  /** A message above the bar. */
  log(line: string): void {
    if (this.#drawn) this.#out.write('\r\x1b[2K');
    this.#out.write(`${line}\n`);
  }

  done(): void {
    if (this.#drawn) this.#out.write('\n');
    this.#drawn = false;
  }
}
