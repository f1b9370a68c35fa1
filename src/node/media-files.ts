/**
 * The command line's inputs: paths (files or folders) → a sorted, de-duplicated list of media
 * files, each an image or a video by its extension. Folders are searched recursively and keep
 * only the media they hold; a file named explicitly must be media (anything else is an error, so
 * a typo never passes silently as an empty analysis).
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { GazecastError } from '../core/errors';

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp', '.avif', '.tif', '.tiff', '.gif'] as const;
export const VIDEO_EXTENSIONS = ['.mp4', '.m4v', '.mov', '.webm', '.mkv', '.avi'] as const;

export interface MediaFile {
  /** absolute path */
  readonly path: string;
  /** the path as reported and used for output names: relative to the working directory, or
   *  (outside it) to the folder named on the command line, or the file's name */
  readonly label: string;
  readonly kind: 'image' | 'video';
}

export function mediaKind(path: string): 'image' | 'video' | undefined {
  const ext = extname(path).toLowerCase();
  if ((IMAGE_EXTENSIONS as readonly string[]).includes(ext)) return 'image';
  if ((VIDEO_EXTENSIONS as readonly string[]).includes(ext)) return 'video';
  return undefined;
}

function unsupported(path: string): GazecastError {
  return new GazecastError(
    'media-unsupported',
    `${path}: not an image or video gazecast reads (by its extension). Images: ${IMAGE_EXTENSIONS.join(' ')}; videos: ${VIDEO_EXTENSIONS.join(' ')}.`,
  );
}

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const e of entries) {
    if (e.name.startsWith('.')) continue; // .git, .DS_Store and the like
    const p = join(dir, e.name);
    // a symbolic link counts as what it points to (a folder of links to creatives is common)
    const target = e.isSymbolicLink() ? await stat(p).catch(() => undefined) : e;
    if (target?.isDirectory()) await walk(p, out);
    else if (target?.isFile() && mediaKind(p)) out.push(p);
  }
}

/** Byte-wise order (not the locale's), so every machine of a sharded job sees the same list. */
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Expands files and folders into the sorted list of media files. */
export async function expandInputs(inputs: readonly string[], cwd: string): Promise<MediaFile[]> {
  const paths = new Map<string, string>(); // absolute path → label
  const labelOf = (path: string, root: string): string => {
    const inCwd = relative(cwd, path);
    return inCwd && !inCwd.startsWith('..') && !isAbsolute(inCwd) ? inCwd : relative(root, path) || basename(path);
  };
  for (const input of inputs) {
    const abs = resolve(cwd, input);
    let info;
    try {
      info = await stat(abs);
    } catch {
      throw new GazecastError('file-not-found', `${input}: no such file or folder (looked at ${abs}).`);
    }
    if (info.isDirectory()) {
      const found: string[] = [];
      await walk(abs, found);
      for (const p of found) if (!paths.has(p)) paths.set(p, labelOf(p, abs));
    } else {
      if (!mediaKind(abs)) throw unsupported(input);
      if (!paths.has(abs)) paths.set(abs, labelOf(abs, dirname(abs)));
    }
  }
  if (paths.size === 0) {
    throw new GazecastError('file-not-found', `No images or videos in ${inputs.join(', ')} (looked for ${[...IMAGE_EXTENSIONS, ...VIDEO_EXTENSIONS].join(' ')}).`);
  }
  return [...paths]
    .map(([path, label]) => ({ path, label, kind: mediaKind(path)! }))
    .sort((a, b) => compareCodeUnits(a.label, b.label));
}
