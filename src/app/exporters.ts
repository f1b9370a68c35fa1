/**
 * Exports: PNG snapshot at the media's native resolution, CSV/JSON (serialised by core), the
 * printable report (filled into #report, printed with the print stylesheet). The video export
 * is in export-video.ts, loaded only when used (the muxer is most of its weight).
 */

export function download(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // the download has its own reference; revoke after the click has been handled
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function baseName(name: string): string {
  return name.replace(/\.[^.]+$/, '').replace(/[^\w.-]+/g, '_') || 'gazecast';
}

export type OverlayPainter = (ctx: CanvasRenderingContext2D, unit: number) => void;

/** One display pixel in native pixels for exports: strokes and labels sized as on a ~1280 px wide screen. */
export function exportUnit(width: number, height: number): number {
  return Math.max(1, Math.max(width, height) / 1280);
}

/** The frame currently shown plus the overlay, at the media's native size. */
export function snapshotCanvas(source: CanvasImageSource, width: number, height: number, paint: OverlayPainter): HTMLCanvasElement {
  const c = document.createElement('canvas');
  c.width = width;
  c.height = height;
  const g = c.getContext('2d')!;
  g.drawImage(source, 0, 0, width, height);
  paint(g, exportUnit(width, height));
  return c;
}

export function canvasToBlob(c: HTMLCanvasElement, type = 'image/png'): Promise<Blob> {
  return new Promise((resolve, reject) =>
    c.toBlob((b) => (b ? resolve(b) : reject(new Error('The browser could not encode the PNG (the image may be too large).'))), type),
  );
}
