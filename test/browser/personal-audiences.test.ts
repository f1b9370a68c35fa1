/**
 * Personal and panel audiences with the real model in Chromium: a viewer the training never saw
 * is embedded from 10 viewings, and that embedding must raise their log-likelihood on 10 OTHER
 * images over the population prediction; the audience persists and round-trips as JSON; a
 * filtered panel of the model's own panel predicts through the embedding input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAudienceStore } from '../../src/client/audience-store';
import { filteredPanel, modelPanel, PersonalAudiences, profileForAudience, readStudyFiles } from '../../src/client/personal-audiences';
import { createPredictor } from '../../src/client/predictor';
import type { Predictor } from '../../src/client/predictor-types';
import { formatProblems, importCanonical, type GazeStudy } from '../../src/core/import';
import { aggregatePanel } from '../../src/core/personal';
import fixationsCsv from '../fixtures/personal/osie-heldout/fixations.csv?raw';
import observersCsv from '../fixtures/personal/osie-heldout/observers.csv?raw';
import stimuliCsv from '../fixtures/personal/osie-heldout/stimuli.csv?raw';

// VITE_GAZECAST_TEST_MODEL points the test at another model folder (e.g. a candidate before it ships)
const MODEL: string = import.meta.env.VITE_GAZECAST_TEST_MODEL ?? '/models/gazecast-mnv1-s8/';
// one of the two OSIE viewers the training holds out (osie-s01, osie-s08), see the fixture README
const VIEWER: string = import.meta.env.VITE_GAZECAST_TEST_VIEWER ?? 'osie-s08';

let predictor: Predictor;
let study: GazeStudy;
let images: Map<string, Blob>;

beforeAll(async () => {
  const r = importCanonical({ stimuli: stimuliCsv, observers: observersCsv, fixations: fixationsCsv });
  if (!r.ok) throw new Error(formatProblems(r.problems));
  study = r.value;
  images = new Map(await Promise.all(study.stimuli.map(async (s) => {
    const name = s.file.replace(/^.*\//, '');
    const res = await fetch(`/test/fixtures/personal/osie-heldout/stimuli/${name}`);
    if (!res.ok) throw new Error(`fixture ${name}: HTTP ${res.status}`);
    return [name, await res.blob()] as const;
  })));
  // WASM: deterministic and the fast backend on a machine without a GPU
  predictor = await createPredictor({ modelUrl: MODEL, backend: 'wasm', cache: false });
}, 120_000);

afterAll(async () => {
  await predictor?.close();
});

describe('reading dropped files', () => {
  it('turns the canonical CSVs and their images into a study, and reports every problem by file, line and column', async () => {
    const csv = (name: string, text: string) => new File([text], name, { type: 'text/csv' });
    const imgs = [...images].map(([name, blob]) => new File([blob], name, { type: 'image/jpeg' }));
    const r = await readStudyFiles([csv('my-stimuli.csv', stimuliCsv), csv('my-observers.csv', observersCsv), csv('my-fixations.csv', fixationsCsv), ...imgs]);
    if (!r.ok) throw new Error(formatProblems(r.problems));
    expect(r.value.study.fixations).toEqual(study.fixations);
    expect(r.value.images.size).toBe(20);

    const broken = fixationsCsv.replace(/\n(osie-1017,osie-s01,0,3,)[^,]+/, '\n$1oops');
    const bad = await readStudyFiles([csv('my-stimuli.csv', stimuliCsv), csv('my-fixations.csv', broken), csv('notes.txt', 'hello'), ...imgs]);
    expect(!bad.ok && bad.problems.map((p) => [p.file, p.line, p.column])).toEqual([
      ['my-fixations.csv', broken.split('\n').findIndex((l) => l.includes('oops')) + 1, 5], ['notes.txt', 1, 1]]);
  });
});

describe('personal audiences with the real model', () => {
  it('the test viewer is one the training held out entirely', async () => {
    const card = await (await fetch(`${MODEL}MODEL_CARD.md`)).text();
    const metrics = JSON.stringify(predictor.model.manifest.metrics ?? {});
    expect(`${card}\n${metrics}`).toContain(VIEWER);
  });

  it(`the embedding from 10 viewings of ${VIEWER} raises their log-likelihood on 10 other images over the population`, async () => {
    const audiences = new PersonalAudiences(predictor, images);
    try {
      const r = await audiences.evaluateHoldOut(study, VIEWER, { embedCount: 10, heldOutCount: 10 });
      console.log(`[personal-holdout] ${VIEWER}: ${JSON.stringify({
        embedViewings: r.embedding.count, spread: r.embedding.spread, signalToNoise: r.embedding.signalToNoise,
        consistency: r.embedding.consistency, heldOutViewings: r.viewings, fixations: r.fixations,
        personal: r.personal, population: r.population, gain: r.gain, gainSE: r.gainStandardError,
        improved: r.viewingsImproved, verdict: r.verdict,
      })}`);
      expect(r.embedding.count).toBe(10);
      expect(r.viewings).toBe(10);
      expect(new Set(r.embedding.stimuli).size).toBe(10);
      expect(r.gain.logLikelihood).toBeGreaterThan(0);
      // the embedding is not the population's (all zeros) and is finite
      expect(r.embedding.embedding.every(Number.isFinite)).toBe(true);
      expect(Math.hypot(...r.embedding.embedding)).toBeGreaterThan(0);
    } finally {
      audiences.close();
    }
  }, 300_000);

  it('a personal audience persists in IndexedDB, exports without raw gaze and predicts with its embedding', async () => {
    const audiences = new PersonalAudiences(predictor, images);
    const store = await openAudienceStore(`gazecast-test-${Date.now()}`);
    try {
      const me = await audiences.personalAudience(study, 'osie-s01', { name: 'Viewer s01' });
      expect(me.viewings).toBe(20);
      expect(me.embedding).toHaveLength(predictor.model.manifest.profile.embedding!.dim);
      await store.save([me]);
      const json = await store.exportJson();
      expect(json).not.toMatch(/fixations|"x":/);
      const other = await openAudienceStore(`gazecast-test-copy-${Date.now()}`);
      const imported = await other.importJson(json);
      expect(imported.ok && imported.value[0]).toEqual(me);
      other.close();

      const img = await createImageBitmap(images.get('1017.jpg')!);
      const img2 = await createImageBitmap(img);
      const personal = await predictor.predict(img, { profile: profileForAudience(me, predictor.model.manifest) });
      const population = await predictor.predict(img2, {});
      let diff = 0;
      personal.density.data.forEach((v, i) => (diff += Math.abs(v - population.density.data[i]!)));
      expect(diff).toBeGreaterThan(1e-3); // the embedding input changes the prediction
    } finally {
      store.close();
      audiences.close();
    }
  }, 300_000);

  it("the model's panel, filtered by attributes, becomes an audience that predicts", async () => {
    const manifest = predictor.model.manifest;
    if (!manifest.panel) return expect.fail('the model lists no panel');
    const panel = await modelPanel(manifest, predictor.model.manifestUrl);
    expect(panel.members.length).toBeGreaterThan(5);
    const women = filteredPanel(panel, 'gender=female');
    const chosen = aggregatePanel(women.members, women.filter);
    expect(chosen.members.length).toBeGreaterThan(0);
    expect(chosen.members.length).toBeLessThan(panel.members.length);
    expect(chosen.members.every((id) => panel.members.find((m) => m.observerId === id)!.attributes.gender === 'female')).toBe(true);
    const bmp = await createImageBitmap(images.get('1021.jpg')!);
    const p = await predictor.predict(bmp, { profile: profileForAudience(women, manifest) });
    expect(p.points.length).toBeGreaterThan(0);
    expect(() => filteredPanel(panel, 'gender=nobody')).toThrow(/no panel member matches/);
  }, 120_000);
});
