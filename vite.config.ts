import { defineConfig, type Connect, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

// Cross-origin isolation lets onnxruntime-web use more than one WASM thread
// (SharedArrayBuffer is only available to isolated pages).
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

// Same policy as the <meta> in index.html, also sent as a header by `vite preview` and `vite`
// (dev) alike, so that the directives a <meta> cannot carry (frame-ancestors) apply too and so
// that it reaches the module workers: a worker's policy is its own script's response header,
// never the page's <meta>. No third-party origin anywhere, however the app is served.
export const csp = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob:",
  "font-src 'self'",
  "connect-src 'self' blob: data:",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
  "frame-ancestors 'self'",
].join('; ');

/**
 * Sends the policy with every response of the dev and preview servers (pages and worker scripts).
 * Under Vitest the runner's own pages (/__vitest…, with inline scripts) are left alone; the app's
 * modules, workers and fixtures it serves still get the header, so the browser tests run the
 * model worker under the production policy.
 */
function cspHeader(): Plugin {
  const send: Connect.NextHandleFunction = (req, res, next) => {
    if (!req.url?.startsWith('/__vitest')) res.setHeader('Content-Security-Policy', csp);
    next();
  };
  return {
    name: 'gazecast-csp-header',
    configureServer: (server) => void server.middlewares.use(send),
    configurePreviewServer: (server) => void server.middlewares.use(send),
  };
}

export default defineConfig({
  server: { headers: isolationHeaders },
  preview: { headers: { ...isolationHeaders, 'Content-Security-Policy': csp } },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  plugins: [
    cspHeader(),
    // Offline after one visit: Workbox precaches the app shell, the bundled model (all its
    // variants, the encoder and panel), onnxruntime-web's WASM and the samples.
    VitePWA({
      disable: !!process.env.VITEST,
      // 'prompt': an update is announced in the app and applied when the user chooses (see main.ts)
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['icon.svg', 'icon-192.png', 'icon-512.png'],
      manifest: {
        name: 'gazecast — where will they look?',
        short_name: 'gazecast',
        description: 'Predict where each audience will look in your image or video, on your own machine.',
        theme_color: '#17181c',
        background_color: '#111215',
        display: 'standalone',
        start_url: '.',
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,mjs,css,html,svg,png,jpg,mp4,wasm,onnx,json,md}'],
        globIgnores: ['**/node_modules/**', 'samples/*.sh'],
        // the ORT WASM (~25 MB) and the model files are far above Workbox's 2 MB default
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
        navigateFallback: 'index.html',
        cleanupOutdatedCaches: true,
        // take control of the open page at once, so the first visit is already offline-capable;
        // updates wait (no skipWaiting) until the user accepts them
        clientsClaim: true,
      },
    }),
  ],
});
