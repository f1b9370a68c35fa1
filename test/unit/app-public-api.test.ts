/**
 * The designer app is a consumer of its own package (issue 16, point 1): every module under
 * src/app may import its siblings, third-party packages and the package's public entry points
 * (package.json "exports": gazecast, gazecast/analysis, gazecast/personal, gazecast/gaze-overlay),
 * and nothing else of src/. A reach into src/core, src/client or src/worker past an entry point
 * means the API lacks something the app needs: add it to the entry point, typed and documented,
 * instead of importing the internal module.
 *
 * Static imports and re-exports, dynamic `import('…')` and `import('…').Type` types are all checked.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const appDir = join(root, 'src/app');

/** The entry points, as vite.lib.config.ts builds them and package.json "exports" names them. */
const ENTRY_POINTS = new Set(['src/index.ts', 'src/analysis.ts', 'src/client/personal-audiences.ts', 'src/client/gaze-overlay.ts']);

/** `from '…'`, `import '…'` (side effect) and `import('…')` — the specifier of each. */
const SPECIFIER = /\bfrom\s*['"]([^'"]+)['"]|\bimport\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

interface Violation { readonly file: string; readonly line: number; readonly specifier: string }

/** The module a relative specifier names, as a path from the repository root (".ts" added when absent). */
function target(file: string, specifier: string): string {
  const path = relative(root, resolve(join(appDir, file), '..', specifier)).split('\\').join('/');
  return /\.[cm]?[jt]sx?$|\.css$/.test(path) ? path : `${path}.ts`;
}

/** Imports in `source` (a file of src/app) that leave src/app other than through an entry point. */
function privateImports(file: string, source: string): Violation[] {
  const out: Violation[] = [];
  const lines = source.split('\n');
  lines.forEach((text, i) => {
    for (const m of text.matchAll(SPECIFIER)) {
      const specifier = m[1] ?? m[2] ?? m[3] ?? '';
      if (!specifier.startsWith('.')) continue; // a package (idb, uplot, virtual:pwa-register): not ours
      const path = target(file, specifier);
      if (path.startsWith('src/app/') || ENTRY_POINTS.has(path)) continue;
      out.push({ file: `src/app/${file}`, line: i + 1, specifier });
    }
  });
  return out;
}

describe('the app uses only the public API', () => {
  it('recognises a reach past the entry points (and lets the entry points through)', () => {
    const src = [
      "import { aoiStats } from '../core/aoi';",
      "import { formatShare } from '../analysis';",
      "import type { Predictor } from '../index';",
      "const { modelPanel } = await import('../client/personal-audiences');",
      "const { x } = await import('../client/audience-importer');",
      "type S = import('../core/aoi').AoiShape;",
      "import { $ } from './dom';",
      "import uPlot from 'uplot';",
    ].join('\n');
    expect(privateImports('x.ts', src).map((v) => `${v.line} ${v.specifier}`)).toEqual([
      '1 ../core/aoi', '5 ../client/audience-importer', '6 ../core/aoi',
    ]);
  });

  it('no module of src/app imports anything of src/ but its siblings and the entry points', () => {
    const files = readdirSync(appDir).filter((f) => /\.ts$/.test(f)).sort();
    expect(files.length).toBeGreaterThan(10);
    const violations = files.flatMap((f) => privateImports(f, readFileSync(join(appDir, f), 'utf8')));
    const report = violations.map((v) => `${v.file}:${v.line} imports '${v.specifier}', not a public entry point`);
    expect(report, `import these from src/index.ts, src/analysis.ts, src/client/personal-audiences.ts or src/client/gaze-overlay.ts (adding to the entry point what is missing):\n${report.join('\n')}`).toEqual([]);
  });
});

/** Static `import … from '…'` statements (not re-exports, not dynamic imports) by specifier. */
function repeatedImports(source: string): string[] {
  const seen = new Map<string, number>();
  for (const m of source.matchAll(/^import\s+(?:type\s+)?[^'";]*?\bfrom\s*['"]([^'"]+)['"]/gms)) seen.set(m[1]!, (seen.get(m[1]!) ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([s, n]) => `${s} (${n} lines)`);
}

describe('one import statement per module and file (issue 16: entry points were imported on several lines)', () => {
  it('recognises a module imported twice, values and types alike', () => {
    expect(repeatedImports("import { a } from '../index';\nimport type { B } from '../index';\nimport { c } from './dom';\nexport { d } from '../index';\n"))
      .toEqual(['../index (2 lines)']);
  });

  it('no module of src/app imports the same module on two lines', () => {
    const report = readdirSync(appDir).filter((f) => /\.ts$/.test(f)).sort()
      .flatMap((f) => repeatedImports(readFileSync(join(appDir, f), 'utf8')).map((r) => `src/app/${f}: ${r}`));
    expect(report, 'merge them into one `import { value, type T } from …` line').toEqual([]);
  });
});
