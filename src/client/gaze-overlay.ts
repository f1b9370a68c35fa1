/**
 * `<gaze-overlay>`: predicted gaze drawn over a `<video>` or `<img>` of the page, in a few lines of
 * HTML. It is a thin shell over the same predictor the app uses (createPredictor): no second
 * engine. Attach it by wrapping the media or with `for="<id>"`:
 *
 *   <gaze-overlay model="/models/gazecast-mnv1-s8/" profile="age=25-34; gender=female" mode="heatmap">
 *     <video src="ad.mp4" controls></video>
 *   </gaze-overlay>
 *
 * Attributes (and matching properties): `for`, `model`, `profile`, `mode` (points | heatmap |
 * scanpath | swarm), `viewers` and `seed` (of the swarm's virtual study), `backend` (auto | webgpu | wasm), `wasm-paths` (where onnxruntime's .wasm files are
 * served), `share` ("false": an engine of its own; by default elements and predictors of one page
 * that load the same model share one worker and one download). Mode `swarm` is a gaze replay: a
 * virtual eye-tracking study of the profile's audience (predictor.simulate; the model needs a
 * scanpath graph) drawn as a bee swarm, one dot per simulated viewer at their current gaze, looping
 * over the viewing of an image or following a video's playback. Events: `ready` ({ backend, modelId }),
 * `prediction` ({ prediction, points }), `study` ({ study }), `error` ({ code, message }). Styling: CSS custom
 * properties (--gaze-point-color, --gaze-point-outline, --gaze-point-radius, --gaze-line-color,
 * --gaze-line-width, --gaze-label-color, --gaze-font, --gaze-heatmap-opacity,
 * --gaze-heatmap-colormap) and `::part(canvas)`.
 * Removing the element stops sampling and releases the worker, the session and the GPU.
 */
import { GazecastError, isGazecastError, type GazecastErrorCode } from '../core/errors';
import type { ColormapName } from '../core/heatmap';
import type { Prediction, Profile } from '../core/prediction-types';
import { parseProfileString } from '../core/profile';
import type { BackendChoice } from '../core/runtime-types';
import type { VirtualStudy } from '../core/study';
import { DEFAULT_DRAW_OPTIONS, type DrawOptions } from './drawing';
import { placeOverlayCanvas, renderOverlay } from './overlay';
import { createPredictor } from './predictor';
import type { LiveSession, Predictor } from './predictor-types';

export type OverlayMode = 'points' | 'heatmap' | 'scanpath' | 'swarm';

const MODES: readonly OverlayMode[] = ['points', 'heatmap', 'scanpath', 'swarm'];
/** The swarm's panel when `viewers` is not set, and how long it views an image. */
const SWARM_VIEWERS = 100;
const SWARM_IMAGE_MS = 3000;
/** A video's swarm covers at most its first minute (a study costs about 40 inferences per 3 s of 200 viewers). */
const SWARM_VIDEO_MS = 60_000;
const BACKENDS: readonly BackendChoice[] = ['auto', 'webgpu', 'wasm'];

/** The model shipped inside the package, next to the built module (see README "Widget"). */
const BUNDLED_MODEL = './models/gazecast-mnv1-s8/';

export interface GazeReadyDetail {
  readonly backend: 'webgpu' | 'wasm';
  readonly modelId: string;
}
export interface GazePredictionDetail {
  readonly prediction: Prediction;
  readonly points: Prediction['points'];
}
export interface GazeStudyDetail {
  /** the swarm's virtual study (times from the start of the image's viewing, or of the video) */
  readonly study: VirtualStudy;
}
export interface GazeErrorDetail {
  /** the GazecastError's code; a failure that is not a GazecastError is reported as 'backend-failed' */
  readonly code: GazecastErrorCode;
  readonly message: string;
  readonly error: unknown;
}

export interface GazeOverlayEventMap extends Omit<HTMLElementEventMap, 'error'> {
  ready: CustomEvent<GazeReadyDetail>;
  prediction: CustomEvent<GazePredictionDetail>;
  study: CustomEvent<GazeStudyDetail>;
  error: CustomEvent<GazeErrorDetail>;
}

// Wrapping: the host is the media's box. With `for`, the host has no box of its own and the
// canvas is placed over the target wherever it is (measured, like the app's overlay).
const STYLE = `
:host { position: relative; display: inline-block; line-height: 0; }
:host([for]) { display: contents; }
::slotted(video), ::slotted(img) { display: block; max-width: 100%; }
canvas { position: absolute; left: 0; top: 0; pointer-events: none; }
`;

/** What each mode draws (the app's drawing code, src/client/drawing.ts). */
const MODE_DRAWING: Readonly<Record<OverlayMode, Partial<DrawOptions>>> = {
  points: { heatmap: false, points: true, scanpath: false, labels: false },
  heatmap: { heatmap: true, points: false, scanpath: false, labels: false },
  scanpath: { heatmap: false, points: true, scanpath: true, labels: true },
  swarm: { heatmap: false, points: false, scanpath: false, labels: false },
};

type Media = HTMLVideoElement | HTMLImageElement;

export class GazeOverlayElement extends HTMLElement {
  static readonly observedAttributes = ['for', 'model', 'profile', 'mode', 'backend', 'wasm-paths', 'share', 'viewers', 'seed'];

  readonly #canvas: HTMLCanvasElement;
  #predictor: Predictor | undefined;
  #live: LiveSession | undefined;
  #media: Media | undefined;
  #prediction: Prediction | undefined;
  /** swarm mode: the study shown, the one being simulated, and the animation */
  #study: VirtualStudy | undefined;
  #studyRun: AbortController | undefined;
  #frameRequest: number | undefined;
  #replayStart = 0;
  /** the swarm's drawing, loaded with swarm mode (the other modes do not carry it) */
  #swarm: typeof import('./swarm-replay') | undefined;
  /** bumps on every (re)start, so results of an older start are dropped */
  #generation = 0;
  #listeners = new AbortController();
  /** listeners of the current #follow (replaced when the profile changes) */
  #followListeners = new AbortController();
  #resize: ResizeObserver | undefined;
  #starting: Promise<void> | undefined;
  /** set by connectedCallback: attribute callbacks of an upgrade come before it and must not start twice */
  #connected = false;

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    const style = document.createElement('style');
    style.textContent = STYLE;
    this.#canvas = document.createElement('canvas');
    this.#canvas.setAttribute('part', 'canvas');
    root.append(style, document.createElement('slot'), this.#canvas);
  }

  // ---- attributes as properties ----
  get for(): string { return this.getAttribute('for') ?? ''; }
  set for(v: string) { this.setAttribute('for', v); }
  get htmlFor(): string { return this.for; }
  set htmlFor(v: string) { this.for = v; }

  /** model folder or manifest URL; empty = the model shipped in the package */
  get model(): string { return this.getAttribute('model') ?? ''; }
  set model(v: string) { this.setAttribute('model', v); }

  /** "age=25-34; gender=female" (the model's slots); empty = everyone */
  get profile(): string { return this.getAttribute('profile') ?? ''; }
  set profile(v: string) { this.setAttribute('profile', v); }

  get mode(): OverlayMode {
    const m = this.getAttribute('mode') as OverlayMode | null;
    return m && MODES.includes(m) ? m : 'points';
  }
  set mode(v: OverlayMode) { this.setAttribute('mode', v); }

  get backend(): BackendChoice {
    const b = this.getAttribute('backend') as BackendChoice | null;
    return b && BACKENDS.includes(b) ? b : 'auto';
  }
  set backend(v: BackendChoice) { this.setAttribute('backend', v); }

  /** folder URL of onnxruntime-web's .wasm files (PredictorOptions.wasmPaths); empty = next to its JS */
  get wasmPaths(): string { return this.getAttribute('wasm-paths') ?? ''; }
  set wasmPaths(v: string) { this.setAttribute('wasm-paths', v); }

  /** share="false": an engine of its own instead of the page's shared one for this model (PredictorOptions.share) */
  get share(): boolean { return this.getAttribute('share') !== 'false'; }
  set share(v: boolean) { this.setAttribute('share', String(v)); }

  /** swarm mode: simulated viewers (default 100) */
  get viewers(): number {
    const n = Number(this.getAttribute('viewers'));
    return Number.isInteger(n) && n > 0 ? n : SWARM_VIEWERS;
  }
  set viewers(v: number) { this.setAttribute('viewers', String(v)); }

  /** swarm mode: the study's seed (default random); the same seed shows the same swarm */
  get seed(): number | undefined {
    const s = this.getAttribute('seed');
    return s === null || s === '' ? undefined : Number(s);
  }
  set seed(v: number | undefined) {
    if (v === undefined) this.removeAttribute('seed');
    else this.setAttribute('seed', String(v));
  }

  /** swarm mode: the virtual study drawn, once simulated */
  get study(): VirtualStudy | undefined { return this.#study; }

  /**
   * A personal or panel embedding to predict with (from src/client/personal-audiences.ts), on top
   * of `profile`. Not an attribute: embeddings are numbers, not markup.
   */
  get embedding(): readonly number[] | undefined { return this.#embedding; }
  set embedding(v: readonly number[] | undefined) {
    this.#embedding = v ? [...v] : undefined;
    if (this.#predictor) this.#follow();
  }
  #embedding: number[] | undefined;

  /** the predictor, once ready (the same API the app uses) */
  get predictor(): Predictor | undefined { return this.#predictor; }
  /** the latest prediction drawn */
  get prediction(): Prediction | undefined { return this.#prediction; }

  /** resolves when the model is loaded and sampling has started (rejects with a GazecastError) */
  get ready(): Promise<void> { return this.#starting ?? Promise.resolve(); }

  override addEventListener<K extends keyof GazeOverlayEventMap>(type: K, listener: (this: GazeOverlayElement, ev: GazeOverlayEventMap[K]) => unknown, options?: boolean | AddEventListenerOptions): void;
  override addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  override addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void {
    super.addEventListener(type, listener, options);
  }

  // ---- lifecycle ----
  connectedCallback(): void {
    if (this.#connected && this.#predictor) return; // moved within the document: keep the engine
    this.#connected = true;
    this.#restart();
  }

  disconnectedCallback(): void {
    // A move within the document disconnects and reconnects at once: keep the engine then.
    queueMicrotask(() => {
      if (this.isConnected) return;
      this.#connected = false;
      this.#generation++; // a start still loading closes its predictor when it arrives
      void this.#teardown();
    });
  }

  attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    if (old === value || !this.#connected) return;
    if (name === 'mode') {
      if (old === 'swarm' || value === 'swarm') this.#follow(); // a study, or live predictions again
      else this.#draw();
    } else if (name === 'profile' || name === 'viewers' || name === 'seed') this.#follow();
    else this.#restart(); // for, model, backend, wasm-paths, share: a new engine or a new target
  }

  // ---- internals ----
  #restart(): void {
    const generation = ++this.#generation;
    this.#starting = this.#teardown().then(() => this.#start(generation));
    this.#starting.catch(() => undefined); // reported through the `error` event
  }

  async #start(generation: number): Promise<void> {
    try {
      const media = this.#findMedia();
      this.#media = media;
      this.#watchLayout(media);
      const modelUrl = this.model || new URL(BUNDLED_MODEL, import.meta.url).href;
      const predictor = await createPredictor({
        modelUrl,
        backend: this.backend,
        share: this.share,
        ...(this.wasmPaths ? { wasmPaths: this.wasmPaths } : {}),
      });
      if (generation !== this.#generation) {
        await predictor.close();
        return;
      }
      this.#predictor = predictor;
      this.#emit('ready', { backend: predictor.backend, modelId: predictor.model.manifest.id });
      this.#follow();
    } catch (e) {
      if (generation === this.#generation) this.#fail(e);
      throw e;
    }
  }

  /** Predicts for the current media and profile: live for a video, once for an image. */
  #follow(): void {
    const predictor = this.#predictor;
    const media = this.#media;
    if (!predictor || !media) return;
    this.#live?.stop();
    this.#live = undefined;
    this.#stopSwarm();
    this.#followListeners.abort();
    this.#followListeners = new AbortController();
    let profile: Profile;
    try {
      profile = this.#profileNow(predictor);
    } catch (e) {
      this.#fail(e);
      return;
    }
    const generation = this.#generation;
    if (this.mode === 'swarm') {
      this.#startSwarm(predictor, media, profile).catch((e: unknown) => {
        if (!isGazecastError(e, 'aborted')) this.#fail(e);
      });
      return;
    }
    if (media instanceof HTMLVideoElement) {
      // While paused (before play, after a seek) live sampling gets no frames: predict the frame shown.
      const still = (): void => {
        if (!media.paused || media.readyState < 2) return;
        predictor.predict(media, { profile, timestampMs: media.currentTime * 1000 })
          .then((p) => { if (generation === this.#generation && media.paused) this.#show(p); })
          .catch((e: unknown) => this.#fail(e));
      };
      media.addEventListener('seeked', still, { signal: this.#followListeners.signal });
      media.addEventListener('loadeddata', still, { signal: this.#followListeners.signal });
      still();
      this.#live = predictor.startLive(media, {
        profile,
        onPrediction: (p) => {
          if (generation === this.#generation) this.#show(p);
        },
        onError: (e) => this.#fail(e),
      });
    } else {
      const run = async (): Promise<void> => {
        if (!media.complete || media.naturalWidth === 0) {
          await new Promise<void>((resolve, reject) => {
            media.addEventListener('load', () => resolve(), { once: true });
            media.addEventListener('error', () => reject(new GazecastError('media-corrupt', `the image ${media.currentSrc || media.src} could not be loaded`)), { once: true });
          });
        }
        const p = await predictor.predict(media, { profile });
        if (generation === this.#generation) this.#show(p);
      };
      run().catch((e: unknown) => this.#fail(e));
    }
  }

  /**
   * Swarm mode: simulates the panel, then animates it. An image's viewing loops; a video's swarm
   * follows its playback, and is simulated on a hidden copy of the video so the one the user
   * watches is never sought.
   */
  async #startSwarm(predictor: Predictor, media: Media, profile: Profile): Promise<void> {
    const run = new AbortController();
    this.#studyRun = run;
    const seed = this.seed;
    const common = { profile, viewers: this.viewers, signal: run.signal, ...(seed !== undefined ? { seed } : {}) };
    this.#swarm ??= await import('./swarm-replay');
    let study: VirtualStudy;
    if (media instanceof HTMLVideoElement) {
      const copy = await hiddenCopy(media, run.signal);
      try {
        const endMs = Math.min(copy.duration * 1000, SWARM_VIDEO_MS);
        study = await predictor.simulateVideo(copy, { ...common, range: { startMs: 0, endMs } });
      } finally {
        copy.removeAttribute('src');
        copy.load();
      }
    } else {
      if (!media.complete || media.naturalWidth === 0) await new Promise((r) => media.addEventListener('load', r, { once: true }));
      study = await predictor.simulate(media, { ...common, durationMs: SWARM_IMAGE_MS });
    }
    if (run.signal.aborted) return;
    this.#study = study;
    this.#emit('study', { study });
    this.#replayStart = performance.now();
    const tick = (): void => {
      this.#draw();
      this.#frameRequest = requestAnimationFrame(tick);
    };
    tick();
  }

  #stopSwarm(): void {
    this.#studyRun?.abort();
    this.#studyRun = undefined;
    if (this.#frameRequest !== undefined) cancelAnimationFrame(this.#frameRequest);
    this.#frameRequest = undefined;
    this.#study = undefined;
  }

  /** The replay's time: the video's media time, or for an image the time since the replay began, looping. */
  #replayTime(study: VirtualStudy): number {
    const media = this.#media;
    if (media instanceof HTMLVideoElement) return media.currentTime * 1000;
    return (performance.now() - this.#replayStart) % study.durationMs;
  }

  #profileNow(predictor: Predictor): Profile {
    const tokens = parseProfileString(this.profile, predictor.model.manifest.profile);
    return this.#embedding ? { tokens, embedding: this.#embedding } : { tokens };
  }

  #findMedia(): Media {
    const id = this.for;
    if (id) {
      const root = this.getRootNode() as Document | ShadowRoot;
      const el = root.getElementById?.(id) ?? document.getElementById(id);
      if (!(el instanceof HTMLVideoElement || el instanceof HTMLImageElement)) {
        throw new GazecastError('frame-invalid', `<gaze-overlay for="${id}">: no <video> or <img> with id "${id}"`);
      }
      return el;
    }
    const el = this.querySelector('video, img');
    if (!(el instanceof HTMLVideoElement || el instanceof HTMLImageElement)) {
      throw new GazecastError('frame-invalid', '<gaze-overlay> needs a <video> or <img> inside it, or a for="<id>" attribute naming one');
    }
    return el;
  }

  /** Keeps the canvas over the media's box (and the host over it when attached with `for`). */
  #watchLayout(media: Media): void {
    this.#listeners = new AbortController();
    const signal = this.#listeners.signal;
    const update = (): void => this.#layout();
    this.#resize = new ResizeObserver(update);
    this.#resize.observe(media);
    window.addEventListener('resize', update, { signal, passive: true });
    window.addEventListener('scroll', update, { signal, passive: true, capture: true });
    media.addEventListener('loadedmetadata', update, { signal });
    media.addEventListener('resize', update, { signal });
    media.addEventListener('load', update, { signal });
    update();
  }

  #layout(): void {
    this.#draw();
  }

  #show(p: Prediction): void {
    this.#prediction = p;
    this.#draw();
    this.#emit('prediction', { prediction: p, points: p.points });
  }

  /** Drawing options: the mode's marks, styled by the host's CSS custom properties. */
  #drawOptions(): Partial<DrawOptions> {
    const style = getComputedStyle(this);
    const prop = (name: string): string | undefined => style.getPropertyValue(name).trim() || undefined;
    const num = (name: string): number | undefined => {
      const v = Number.parseFloat(prop(name) ?? '');
      return Number.isFinite(v) ? v : undefined;
    };
    const colormap = prop('--gaze-heatmap-colormap') as ColormapName | undefined;
    const radius = num('--gaze-point-radius');
    const o: Partial<DrawOptions> = {
      ...MODE_DRAWING[this.mode],
      ...(prop('--gaze-point-color') ? { pointColor: prop('--gaze-point-color')! } : {}),
      ...(prop('--gaze-point-outline') ? { pointOutline: prop('--gaze-point-outline')! } : {}),
      // a fixed size scaled by the point's mass, like the default (area ∝ mass)
      ...(radius !== undefined ? { pointRadius: (pt) => radius * (0.4 + 1.2 * Math.sqrt(pt.mass)) } : {}),
      ...(prop('--gaze-line-color') ? { scanpathColor: prop('--gaze-line-color')! } : {}),
      ...(num('--gaze-line-width') !== undefined ? { lineWidth: num('--gaze-line-width')! } : {}),
      ...(prop('--gaze-label-color') ? { labelColor: prop('--gaze-label-color')! } : {}),
      ...(prop('--gaze-font') ? { font: prop('--gaze-font')! } : {}),
      ...(num('--gaze-heatmap-opacity') !== undefined ? { heatmapOpacity: num('--gaze-heatmap-opacity')! } : {}),
      ...(colormap && ['turbo', 'viridis', 'inferno', 'magma'].includes(colormap) ? { colormap } : {}),
    };
    return o;
  }

  /** Places the canvas over the media's visible pixels (object-fit aware) and draws the prediction. */
  #draw(): void {
    const media = this.#media;
    const canvas = this.#canvas;
    if (!media) {
      canvas.getContext('2d')?.clearRect(0, 0, canvas.width, canvas.height);
      return;
    }
    if (this.mode === 'swarm') {
      const placed = placeOverlayCanvas(canvas, media);
      const study = this.#study;
      if (!placed || !study || !this.#swarm) return;
      const radius = Number.parseFloat(getComputedStyle(this).getPropertyValue('--gaze-point-radius'));
      const { drawBeeSwarm, gazeAt } = this.#swarm;
      drawBeeSwarm(placed.ctx, gazeAt(study, this.#replayTime(study)), placed.toCanvas(study.frame.width, study.frame.height), Number.isFinite(radius) ? { radius } : {});
      return;
    }
    // the same placement and drawing as createOverlay (object-fit, devicePixelRatio), with this element's styles
    renderOverlay(canvas, media, this.#prediction ?? null, { ...DEFAULT_DRAW_OPTIONS, ...this.#drawOptions() });
  }

  #emit<K extends 'ready' | 'prediction' | 'study' | 'error'>(type: K, detail: GazeOverlayEventMap[K]['detail']): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  #fail(e: unknown): void {
    const code = isGazecastError(e) ? e.code : 'backend-failed';
    const message = e instanceof Error ? e.message : String(e);
    this.#emit('error', { code, message, error: e });
  }

  async #teardown(): Promise<void> {
    this.#live?.stop();
    this.#live = undefined;
    this.#stopSwarm();
    this.#followListeners.abort();
    this.#listeners.abort();
    this.#resize?.disconnect();
    this.#resize = undefined;
    const predictor = this.#predictor;
    this.#predictor = undefined;
    this.#prediction = undefined;
    this.#draw();
    if (predictor) await predictor.close(); // the worker, the ONNX sessions and the GPU device
  }
}

/** A muted, hidden copy of a video (same source) to seek for a study, loaded to its first frame. */
async function hiddenCopy(video: HTMLVideoElement, signal: AbortSignal): Promise<HTMLVideoElement> {
  const copy = document.createElement('video');
  copy.muted = true;
  copy.preload = 'auto';
  copy.crossOrigin = video.crossOrigin;
  copy.src = video.currentSrc || video.src;
  await new Promise<void>((resolve, reject) => {
    const fail = (): void => reject(new GazecastError('media-corrupt', `the video ${copy.src} could not be loaded for the swarm: ${copy.error?.message ?? 'error'}`));
    copy.addEventListener('loadeddata', () => resolve(), { once: true });
    copy.addEventListener('error', fail, { once: true });
    signal.addEventListener('abort', () => reject(new GazecastError('aborted', 'The swarm was stopped.')), { once: true });
  });
  return copy;
}

/** Registers the element (once) under `tag`; importing 'gazecast/gaze-overlay' does it for 'gaze-overlay'. */
export function defineGazeOverlay(tag = 'gaze-overlay'): void {
  if (!customElements.get(tag)) customElements.define(tag, class extends GazeOverlayElement {});
}

declare global {
  interface HTMLElementTagNameMap {
    'gaze-overlay': GazeOverlayElement;
  }
}

// Importing the module registers <gaze-overlay> (declared in package.json `sideEffects`).
if (typeof customElements !== 'undefined') defineGazeOverlay();
