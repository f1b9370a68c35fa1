/**
 * The library build (npm package), two flavours from the same sources:
 *
 * - `dist-lib/` (default mode): for bundlers. ESM with dependencies left as bare imports
 *   (onnxruntime-web, comlink, idb, papaparse), so the consumer's bundler resolves them once and
 *   onnxruntime-web finds its .wasm next to its own JS through `new URL(…, import.meta.url)`.
 *   The model worker is its own chunk, started with `new Worker(new URL(…, import.meta.url))`,
 *   which bundlers follow.
 *
 * - `dist-lib/browser/` (`--mode standalone`): for a page without a bundler. comlink, idb and
 *   papaparse are bundled in; onnxruntime-web stays outside (its WASM must match its JS, so it is
 *   the installed dependency's own files) and is imported by a URL relative to the chunk:
 *   node_modules/gazecast/dist-lib/browser/*.js → node_modules/onnxruntime-web/dist/. A worker
 *   cannot use the page's import map, which is why this is a path and not a bare name. The model
 *   shipped with the package sits in dist-lib/browser/models/, the `<gaze-overlay>` default.
 *
 * Types: `tsc -p tsconfig.lib.json` writes the .d.ts files to dist-lib/types/.
 */
import { cpSync, existsSync } from 'node:fs';
import { defineConfig, type Plugin, type UserConfig } from 'vite';

const ENTRIES = {
  index: 'src/index.ts',
  'gaze-overlay': 'src/client/gaze-overlay.ts',
  personal: 'src/client/personal-audiences.ts',
  analysis: 'src/analysis.ts',
};
const DEPENDENCIES = ['onnxruntime-web', 'comlink', 'idb', 'papaparse', 'mediabunny'];
// what `onnxruntime-web/<entry>` resolves to in the browser ("import" → "default" of its exports)
const ORT_FROM_STANDALONE: Readonly<Record<string, string>> = {
  'onnxruntime-web/webgpu': '../../../onnxruntime-web/dist/ort.webgpu.bundle.min.mjs',
  'onnxruntime-web/wasm': '../../../onnxruntime-web/dist/ort.wasm.bundle.min.mjs',
};
// the model the package ships (GAZECAST_MODEL_DIR swaps it, e.g. to try the build with a small model)
const MODEL_DIR = process.env.GAZECAST_MODEL_DIR ?? 'public/models/gazecast-mnv1-s8';


/** onnxruntime-web/webgpu|wasm → the installed package's file, by a path relative to the chunk. */
function ortByPath(): Plugin {
  return {
    name: 'gazecast-ort-by-path',
    enforce: 'pre',
    resolveId(id) {
      const path = ORT_FROM_STANDALONE[id];
      if (path) return { id: path, external: true };
      if (id.startsWith('onnxruntime-web')) {
        throw new Error(`the standalone build maps ${Object.keys(ORT_FROM_STANDALONE).join(' and ')}, not ${id}: add it to ORT_FROM_STANDALONE`);
      }
      return null;
    },
  };
}

/**
 * Vite writes the worker's URL as `new URL("./model.worker.js", "" + import.meta.url)` in library
 * builds (so that nothing downstream touches it). For bundlers we want the opposite: the plain
 * `new Worker(new URL("./model.worker.js", import.meta.url), { type: "module" })` that Vite,
 * webpack and others recognise, bundle (with onnxruntime-web and its .wasm) and re-point.
 */
function plainWorkerUrl(): Plugin {
  return {
    name: 'gazecast-plain-worker-url',
    renderChunk(code) {
      const pattern = /new URL\(\s*(?:\/\*\s*@vite-ignore\s*\*\/\s*)?(?:new URL\("(?:\.\/)?model\.worker\.js",\s*import\.meta\.url\)\.href|"[./]*model\.worker\.js"),\s*"" \+ import\.meta\.url\s*\)/g;
      if (!pattern.test(code)) return null;
      return { code: code.replace(pattern, 'new URL("./model.worker.js", import.meta.url)'), map: null };
    },
  };
}

/** Ships the model with the standalone build (the element's default model). */
function copyModel(outDir: string): Plugin {
  return {
    name: 'gazecast-copy-model',
    apply: 'build',
    closeBundle() {
      if (!existsSync(MODEL_DIR)) throw new Error(`${MODEL_DIR} is missing: the package ships this model`);
      cpSync(MODEL_DIR, `${outDir}/models/gazecast-mnv1-s8`, {
        recursive: true,
        // the browser never loads the fp32 reference file
        filter: (src) => !src.endsWith('.fp32.onnx') && !src.endsWith('metrics.json'),
      });
    },
  };
}

/**
 * `--mode cli`: the `gazecast` command for Node (dist-lib/node/cli.js, package.json `bin`). An SSR
 * build: dependencies stay bare imports resolved from node_modules (onnxruntime-node, sharp and
 * @napi-rs/canvas are optional dependencies, imported only when used), and the default model is
 * the standalone build's copy, found relative to the script (../browser/models/).
 */
function cliConfig(): UserConfig {
  return {
    publicDir: false,
    logLevel: 'warn',
    build: {
      outDir: 'dist-lib/node',
      emptyOutDir: false,
      target: 'node20',
      ssr: true,
      sourcemap: true,
      minify: false,
      rollupOptions: {
        input: { cli: 'src/node/bin.ts' },
        output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
      },
    },
  };
}

export default defineConfig(({ mode }) => {
  if (mode === 'cli') return cliConfig();
  const standalone = mode === 'standalone';
  const outDir = standalone ? 'dist-lib/browser' : 'dist-lib';
  const external = standalone ? [] : DEPENDENCIES.map((d) => new RegExp(`^${d}(/|$)`));
  const output = {
    // every chunk at the same depth, so relative URLs (worker, ORT, model) hold for all of them
    entryFileNames: '[name].js',
    chunkFileNames: '[name]-[hash].js',
    assetFileNames: '[name]-[hash][extname]',
    // Vite keeps whitespace in ES library output; the package is loaded as is by plain pages, so
    // minify fully (consumers' bundlers re-minify anyway)
    minify: true,
  };
  return {
    // relative asset and worker URLs: the package is served from wherever it is installed
    base: './',
    publicDir: false,
    logLevel: 'warn',
    build: {
      outDir,
      // the standalone build goes inside dist-lib/: only the first build may empty it
      emptyOutDir: !standalone,
      target: 'es2022',
      minify: true,
      sourcemap: true,
      lib: { entry: ENTRIES, formats: ['es'] },
      rollupOptions: { external, output },
    },
    worker: {
      format: 'es',
      plugins: () => (standalone ? [ortByPath()] : []),
      rollupOptions: { external, output },
    },
    plugins: standalone ? [ortByPath(), copyModel(outDir)] : [plainWorkerUrl()],
  };
});
