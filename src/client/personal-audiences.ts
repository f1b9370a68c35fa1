/**
 * Personal and panel audiences from real gaze recordings, in the browser: import a study
 * (src/core/import), embed each viewer with the model's encoder from their own viewings, keep the
 * audiences (src/client/audience-store.ts), and check honestly — on held-back images — whether a
 * personal embedding predicts that person better than the population.
 *
 * The app and the API call this module; it adds no engine of its own: the predictor passed in
 * runs the encoder (`embed`) and the model (`predict`).
 */
import { GazecastError } from '../core/errors';
import { stimulusKey, type StimulusSize } from '../core/import/assemble';
import { importCanonical } from '../core/import/canonical';
import { detectFormat, type DetectedFormat } from '../core/import/detect';
import { importEyeLinkFixationReport, type EyeLinkImportOptions } from '../core/import/eyelink-fixation-report';
import { importPupilLabsSurface } from '../core/import/pupil-labs-surface';
import { importTobiiProLab } from '../core/import/tobii-pro-lab';
import type { GazeStudy, ImportProblem, ImportResult, StudyStimulus } from '../core/import/types';
import { resolveModelFile, type ModelManifest } from '../core/manifest';
import { attributeTokens, audienceIdFrom, fitAudienceProfile, type Audience, type PanelAudience, type PersonalAudience } from '../core/personal/audience';
import { summariseEmbeddings, type EmbeddingSummary } from '../core/personal/embedding-stats';
import { fixationDensity, rescalePoints, type OutputGrid } from '../core/personal/fixation-density';
import { compareHoldOut, scoreViewing, type HoldOutComparison } from '../core/personal/holdout-metrics';
import { aggregatePanel, parseAttributeFilter, type AttributeFilter, type PanelMember } from '../core/personal/panel';
import { splitViewings, viewingsOf, type Viewing } from '../core/personal/viewings';
import type { Prediction, Profile } from '../core/prediction-types';

/**
 * What this module needs from a predictor: `createPredictor`'s result (src/client/predictor-types.ts)
 * satisfies it structurally; the encoder's fixation density is computed by the engine from the
 * fixations with src/core/personal/fixation-density.ts.
 */
export interface EmbeddingPredictor {
  readonly model: { readonly manifest: ModelManifest };
  /** the model's prediction for a frame; an ImageBitmap is transferred (consumed) */
  predict(frame: ImageBitmap, options?: { profile?: Profile }): Promise<Prediction>;
  /** runs the manifest's encoder on a frame and a viewer's fixations on it (native pixels) */
  embed(frame: ImageBitmap, fixations: readonly { readonly x: number; readonly y: number }[]): Promise<Float32Array>;
}

/** Image files of a study, by file name (what `stimulusKey` gives: "stimuli/1001.jpg" → "1001.jpg"). */
export type StudyImages = ReadonlyMap<string, Blob>;

export type Progress =
  | { readonly status: 'embedding'; readonly done: number; readonly total: number }
  | { readonly status: 'evaluating'; readonly done: number; readonly total: number }
  | { readonly status: 'done' };

export interface RunOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: Progress) => void;
}

export interface ViewerEmbedding extends EmbeddingSummary {
  readonly observerId: string;
  /** per-viewing embeddings, in the order of `stimuli` (kept in memory only, never stored) */
  readonly perViewing: readonly (readonly number[])[];
  readonly stimuli: readonly string[];
}

function gridOf(m: ModelManifest): OutputGrid {
  return { inputWidth: m.input.width, inputHeight: m.input.height, outputWidth: m.output.width, outputHeight: m.output.height };
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new GazecastError('aborted', 'embedding was cancelled');
}

export class PersonalAudiences {
  private readonly decoded = new Map<string, Promise<ImageBitmap>>();

  constructor(private readonly predictor: EmbeddingPredictor, private readonly images: StudyImages) {
    if (!predictor.model.manifest.encoder) {
      throw new GazecastError('manifest-invalid', `model "${predictor.model.manifest.id}" has no encoder, so it cannot embed personal audiences`);
    }
  }

  /** A fresh bitmap of a stimulus per call: the predictor takes ownership of what it is given. */
  private async frame(stim: StudyStimulus): Promise<ImageBitmap> {
    const key = stimulusKey(stim.file);
    let source = this.decoded.get(key);
    if (!source) {
      const blob = this.images.get(key) ?? this.images.get(stimulusKey(stim.id));
      if (!blob) throw new GazecastError('frame-invalid', `the image "${key}" of stimulus ${stim.id} was not among the files given`);
      source = createImageBitmap(blob).catch((e: unknown) => {
        throw new GazecastError('media-corrupt', `the image "${key}" could not be decoded: ${String(e)}`, { cause: e });
      });
      this.decoded.set(key, source);
    }
    return createImageBitmap(await source);
  }

  /** Stimuli whose image file is at hand (used to tell the user what is missing before running). */
  availableStimuli(study: GazeStudy): StudyStimulus[] {
    return study.stimuli.filter((s) => s.kind === 'image' && (this.images.has(stimulusKey(s.file)) || this.images.has(stimulusKey(s.id))));
  }

  private usableViewings(study: GazeStudy, observerId: string): Viewing[] {
    const have = new Set(this.availableStimuli(study).map((s) => s.id));
    return viewingsOf(study, { observerId }).filter((v) => have.has(v.stimulusId) && v.fixations.length > 0);
  }

  private async embedViewing(study: GazeStudy, v: Viewing): Promise<number[]> {
    const stim = study.stimuli.find((s) => s.id === v.stimulusId)!;
    const bmp = await this.frame(stim);
    const size = { width: bmp.width, height: bmp.height };
    // Coordinates refer to the stimulus' recorded size; the decoded file may be larger or smaller.
    const pts = stim.width && stim.height ? rescalePoints(v.fixations, { width: stim.width, height: stim.height }, size) : v.fixations;
    // Fail here, naming the viewing, rather than deep in the engine: a viewing needs a fixation on the image.
    fixationDensity(gridOf(this.predictor.model.manifest), size.width, size.height, pts);
    return [...(await this.predictor.embed(bmp, pts))];
  }

  /** Embeds one viewer from their viewings (all usable ones, or the given ones). */
  async embedViewer(study: GazeStudy, observerId: string, options: RunOptions & { viewings?: readonly Viewing[] } = {}): Promise<ViewerEmbedding> {
    const viewings = options.viewings ?? this.usableViewings(study, observerId);
    if (viewings.length === 0) {
      throw new GazecastError('import-invalid', `${observerId} has no image viewing whose image file was given`);
    }
    const perViewing: number[][] = [];
    for (const [i, v] of viewings.entries()) {
      checkAborted(options.signal);
      options.onProgress?.({ status: 'embedding', done: i, total: viewings.length });
      perViewing.push(await this.embedViewing(study, v));
    }
    options.onProgress?.({ status: 'embedding', done: viewings.length, total: viewings.length });
    return { ...summariseEmbeddings(perViewing), observerId, perViewing, stimuli: viewings.map((v) => v.stimulusId) };
  }

  /**
   * Leave-some-out: embeds the viewer from `embedCount` images and scores their viewings of up to
   * `heldOutCount` other images under that embedding and under the population (zero embedding).
   */
  async evaluateHoldOut(
    study: GazeStudy, observerId: string,
    options: RunOptions & { embedCount?: number; heldOutCount?: number } = {},
  ): Promise<HoldOutComparison & { embedding: ViewerEmbedding }> {
    const all = this.usableViewings(study, observerId);
    const split = splitViewings(all, options.embedCount ?? 10, options.heldOutCount ?? 10);
    if (split.heldOut.length === 0) {
      throw new GazecastError('import-invalid', `${observerId} has ${all.length} usable viewings: too few to hold some back (need more than ${options.embedCount ?? 10} images)`);
    }
    const embedding = await this.embedViewer(study, observerId, { ...options, viewings: split.embed });
    const ownTokens = attributeTokens(study.observers.find((o) => o.id === observerId)?.attributes ?? {}, this.predictor.model.manifest);
    const pairs = [];
    for (const [i, v] of split.heldOut.entries()) {
      checkAborted(options.signal);
      options.onProgress?.({ status: 'evaluating', done: i, total: split.heldOut.length });
      const stim = study.stimuli.find((s) => s.id === v.stimulusId)!;
      // the profile a saved audience of this viewer would predict with (fitAudienceProfile): the
      // embedding beside the viewer's attribute tokens, so the verdict is about what the app shows
      const own = await this.predictor.predict(await this.frame(stim), { profile: { embedding: embedding.embedding, tokens: ownTokens } });
      const population = await this.predictor.predict(await this.frame(stim), { profile: {} });
      const pts = stim.width && stim.height
        ? rescalePoints(v.fixations, { width: stim.width, height: stim.height }, { width: own.frameWidth, height: own.frameHeight })
        : v.fixations;
      pairs.push({ personal: scoreViewing(own.density, pts), population: scoreViewing(population.density, pts) });
    }
    options.onProgress?.({ status: 'done' });
    return { ...compareHoldOut(pairs), embedding };
  }

  /**
   * A personal audience: embedded from all the viewer's usable viewings; with `evaluate`, also
   * the leave-some-out check (on a separate embedding that has not seen the held-out images).
   */
  async personalAudience(
    study: GazeStudy, observerId: string,
    options: RunOptions & { name?: string; evaluate?: { embedCount?: number; heldOutCount?: number } } = {},
  ): Promise<PersonalAudience> {
    const emb = await this.embedViewer(study, observerId, options);
    const evaluation = options.evaluate ? await this.evaluateHoldOut(study, observerId, { ...options, ...options.evaluate }) : undefined;
    const attributes = study.observers.find((o) => o.id === observerId)?.attributes ?? {};
    options.onProgress?.({ status: 'done' });
    return {
      kind: 'personal', id: audienceIdFrom(observerId), name: options.name ?? `Viewer ${observerId}`,
      modelId: this.predictor.model.manifest.id, createdAt: new Date().toISOString(),
      observerId, attributes: { ...attributes }, embedding: emb.embedding, viewings: emb.count,
      spread: emb.spread, signalToNoise: emb.signalToNoise, consistency: emb.consistency,
      ...(evaluation ? { evaluation: stripEmbedding(evaluation) } : {}),
    };
  }

  /** A panel audience of every viewer in the study with usable viewings (optionally filtered). */
  async panelAudience(study: GazeStudy, options: RunOptions & { name?: string; filter?: AttributeFilter | string } = {}): Promise<PanelAudience> {
    const members: PanelMember[] = [];
    const observers = study.observers.filter((o) => this.usableViewings(study, o.id).length > 0);
    for (const [i, o] of observers.entries()) {
      checkAborted(options.signal);
      options.onProgress?.({ status: 'embedding', done: i, total: observers.length });
      const emb = await this.embedViewer(study, o.id, { ...(options.signal ? { signal: options.signal } : {}) });
      members.push({ observerId: o.id, embedding: [...emb.embedding], attributes: { ...o.attributes }, viewings: emb.count });
    }
    options.onProgress?.({ status: 'done' });
    const filter = typeof options.filter === 'string' ? parseAttributeFilter(options.filter) : options.filter ?? {};
    aggregatePanel(members, filter); // fails now, naming the panel's attributes, if nothing matches
    const name = options.name ?? 'My panel';
    return {
      kind: 'panel', id: audienceIdFrom(name), name, modelId: this.predictor.model.manifest.id, createdAt: new Date().toISOString(),
      members, filter,
    };
  }

  /** Releases the decoded images. */
  close(): void {
    for (const p of this.decoded.values()) void p.then((b) => b.close(), () => undefined);
    this.decoded.clear();
  }
}

function stripEmbedding(e: HoldOutComparison & { embedding: ViewerEmbedding }): HoldOutComparison {
  const { embedding: _e, ...rest } = e;
  return rest;
}

/** A part of a saved panel as its own audience, e.g. "gender=female; age=25-34". */
export function filteredPanel(panel: PanelAudience, filter: AttributeFilter | string, name?: string): PanelAudience {
  const f = typeof filter === 'string' ? parseAttributeFilter(filter) : filter;
  aggregatePanel(panel.members, f); // validates that someone matches
  const label = name ?? `${panel.name} (${Object.entries(f).map(([k, v]) => `${k} ${v.join('/')}`).join(', ')})`;
  return { ...panel, id: audienceIdFrom(`${panel.id}-${Object.values(f).flat().join('-')}`), name: label, filter: f, createdAt: new Date().toISOString() };
}

/**
 * The model's own panel (manifest `panel`, e.g. panel.json: { "<observer_id>": { embedding,
 * attributes } }) as a panel audience, loaded from the model folder (same origin).
 */
export async function modelPanel(manifest: ModelManifest, manifestUrl: string | URL, fetchImpl: typeof fetch = fetch): Promise<PanelAudience> {
  if (!manifest.panel) throw new GazecastError('manifest-invalid', `model "${manifest.id}" lists no panel`);
  // inside the model folder, on the page's origin, like every model file (never fetched from elsewhere)
  const url = resolveModelFile(new URL(manifestUrl, globalThis.location?.href), manifest.panel, globalThis.location?.origin);
  const res = await fetchImpl(url);
  if (!res.ok) throw new GazecastError('model-fetch-failed', `could not load the model's panel ${url.href}: HTTP ${res.status}`);
  const json = (await res.json()) as Record<string, { embedding?: unknown; attributes?: Record<string, unknown> }>;
  const dim = manifest.profile.embedding?.dim;
  const members: PanelMember[] = Object.entries(json).map(([observerId, m]) => {
    const e = m.embedding;
    if (!Array.isArray(e) || e.length !== dim || !e.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw new GazecastError('manifest-invalid', `panel.json: "${observerId}".embedding must be ${dim} finite numbers`);
    }
    const attributes: Record<string, string> = {};
    for (const [k, v] of Object.entries(m.attributes ?? {})) if (v !== null && v !== undefined && v !== '') attributes[k] = String(v);
    return { observerId, embedding: e as number[], attributes, viewings: 0 };
  });
  return {
    kind: 'panel', id: audienceIdFrom(`${manifest.id}-panel`), name: `Panel of ${manifest.id}`, modelId: manifest.id,
    createdAt: new Date().toISOString(), members, filter: {},
  };
}

/**
 * The profile to predict for an audience (fitAudienceProfile's rule), strictly: an embedding made
 * by another model, or a token the model does not list, is an error instead of being left out.
 */
export function profileForAudience(audience: Audience, manifest: ModelManifest): Profile {
  if (audience.kind !== 'attributes' && audience.modelId !== manifest.id) {
    throw new GazecastError('invalid-embedding',
      `audience "${audience.name}" was embedded with model "${audience.modelId}"; embeddings do not carry over to "${manifest.id}": re-import its recordings with this model`);
  }
  const { profile, dropped } = fitAudienceProfile(audience, manifest);
  if (dropped.length > 0) {
    throw new GazecastError(audience.kind === 'attributes' ? 'unsupported-profile' : 'invalid-embedding',
      `audience "${audience.name}" has ${dropped.join(', ')}, which model "${manifest.id}" does not take: edit the audience or use a model that lists it`);
  }
  return profile;
}

/** Options for formats whose files do not say everything (see docs/import-formats.md). */
export interface StudyFileOptions {
  /** EyeLink: the trial variable naming the image, and where the image was on the screen */
  readonly eyelink?: Pick<EyeLinkImportOptions, 'stimulusColumn' | 'display'>;
  /** Pupil Labs surface exports: whose recording it is and which image the surface showed */
  readonly pupil?: { readonly observerId: string; readonly stimulus: string };
}

const IMAGE_FILE = /\.(jpe?g|png|webp|gif|bmp|avif)$/i;

/**
 * What the user dropped (gaze files in any supported format plus the image files they refer to)
 * → a study and its images. Formats are recognised from each file's header; image sizes come
 * from the image files. Every problem of every file is returned, with file, line and column;
 * nothing is stored by this step.
 */
export async function readStudyFiles(
  files: readonly File[], options: StudyFileOptions = {},
): Promise<ImportResult<{ study: GazeStudy; images: Map<string, Blob> }>> {
  const images = new Map<string, Blob>();
  const texts: { name: string; text: string; format: DetectedFormat }[] = [];
  for (const f of files) {
    if (f.type.startsWith('image/') || IMAGE_FILE.test(f.name)) images.set(stimulusKey(f.name), f);
    else {
      const text = await f.text();
      texts.push({ name: f.name, text, format: detectFormat(text) });
    }
  }
  const sizes = new Map<string, StimulusSize>();
  for (const [name, blob] of images) {
    try {
      const b = await createImageBitmap(blob);
      sizes.set(name, { width: b.width, height: b.height });
      b.close();
    } catch {
      return { ok: false, problems: [{ file: name, line: 1, column: 1, message: 'this image could not be decoded' }] };
    }
  }
  const problems: ImportProblem[] = [];
  const studies: GazeStudy[] = [];
  const warnings: ImportProblem[] = [];
  const take = (r: ImportResult<GazeStudy>): void => {
    if (r.ok) {
      studies.push(r.value);
      warnings.push(...r.warnings);
    } else problems.push(...r.problems);
  };
  const canonical = (kind: DetectedFormat) => texts.find((t) => t.format === kind);
  const fixations = canonical('canonical-fixations');
  if (fixations) {
    const stimuli = canonical('canonical-stimuli');
    if (!stimuli) problems.push({ file: fixations.name, line: 1, column: 1, message: 'canonical fixations need their stimuli.csv (stimulus_id,file,kind,width,height,…) beside them' });
    else {
      const observers = canonical('canonical-observers');
      const r = importCanonical({ stimuli: stimuli.text, fixations: fixations.text, ...(observers ? { observers: observers.text } : {}) });
      take(r.ok ? r : { ok: false, problems: r.problems.map((p) => ({ ...p, file: p.file === 'stimuli.csv' ? stimuli.name : p.file === 'observers.csv' ? observers?.name ?? p.file : fixations.name })) });
    }
  }
  for (const t of texts) {
    if (t.format === 'tobii-pro-lab') take(importTobiiProLab(t.text, { stimulusSizes: sizes, file: t.name }));
    else if (t.format === 'eyelink-fixation-report') take(importEyeLinkFixationReport(t.text, { ...options.eyelink, stimulusSizes: sizes, file: t.name }));
    else if (t.format === 'pupil-labs-surface') {
      const size = options.pupil && sizes.get(stimulusKey(options.pupil.stimulus));
      if (!options.pupil || !size) problems.push({ file: t.name, line: 1, column: 1, message: 'a Pupil Labs surface export needs the observer id and the image shown on the surface (and that image file)' });
      else take(importPupilLabsSurface(t.text, { ...options.pupil, stimulusSize: size, file: t.name }));
    } else if (t.format === 'unknown') {
      problems.push({ file: t.name, line: 1, column: 1, message: 'not a format gazecast reads: see docs/import-formats.md for the canonical CSVs, Tobii Pro Lab, EyeLink and Pupil Labs exports' });
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  if (studies.length === 0) return { ok: false, problems: [{ file: files[0]?.name ?? '(no files)', line: 1, column: 1, message: 'no gaze recording among the files' }] };
  const study: GazeStudy = {
    format: studies[0]!.format,
    stimuli: dedupe(studies.flatMap((s) => s.stimuli), (s) => s.id),
    observers: dedupe(studies.flatMap((s) => s.observers), (o) => o.id),
    fixations: studies.flatMap((s) => s.fixations),
  };
  return { ok: true, value: { study, images }, warnings };
}

function dedupe<T>(items: readonly T[], key: (t: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const t of items) if (!seen.has(key(t))) seen.set(key(t), t);
  return [...seen.values()];
}

// The package entry `gazecast/personal`: importers, audience core and storage in one place.
export * from '../core/import';
export * from '../core/personal';
export { AUDIENCES_CHANGED_EVENT, openAudienceStore, type AudienceStore, type ConflictPolicy } from './audience-store';
// the ready-made import panel (DOM): the designer app mounts it in its audience slot
export { mountAudienceImporter, type AudienceImporter, type AudienceImporterOptions } from './audience-importer';
