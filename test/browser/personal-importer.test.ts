/**
 * The ready-made importer panel with the real model: a malformed study shows every problem and
 * saves nothing; a good one becomes a personal audience whose leave-some-out check is shown.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mountAudienceImporter } from '../../src/client/audience-importer';
import { AUDIENCES_CHANGED_EVENT, openAudienceStore } from '../../src/client/audience-store';
import { createPredictor } from '../../src/client/predictor';
import type { Predictor } from '../../src/client/predictor-types';
import fixationsCsv from '../fixtures/personal/osie-heldout/fixations.csv?raw';
import observersCsv from '../fixtures/personal/osie-heldout/observers.csv?raw';
import stimuliCsv from '../fixtures/personal/osie-heldout/stimuli.csv?raw';

const MODEL: string = import.meta.env.VITE_GAZECAST_TEST_MODEL ?? '/models/gazecast-mnv1-s8/';
let predictor: Predictor;
let images: File[];

beforeAll(async () => {
  predictor = await createPredictor({ modelUrl: MODEL, backend: 'wasm', cache: false });
  const names = [...stimuliCsv.matchAll(/stimuli\/(\d+\.jpg)/g)].map((m) => m[1]!);
  images = await Promise.all(names.map(async (n) => new File([await (await fetch(`/test/fixtures/personal/osie-heldout/stimuli/${n}`)).blob()], n, { type: 'image/jpeg' })));
}, 120_000);

afterAll(async () => {
  await predictor?.close();
});

function choose(input: HTMLInputElement, files: File[]): void {
  const dt = new DataTransfer();
  for (const f of files) dt.items.add(f);
  input.files = dt.files;
  input.dispatchEvent(new Event('change'));
}

async function until<T>(fn: () => T | undefined | null | false, ms = 240_000): Promise<T> {
  const t0 = performance.now();
  for (;;) {
    const v = fn();
    if (v) return v;
    if (performance.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('shows problems for a malformed study and saves nothing; a good one becomes a checked personal audience', async () => {
  const storeName = `gazecast-importer-test-${Date.now()}`;
  const host = document.createElement('div');
  document.body.append(host);
  const importer = mountAudienceImporter(host, predictor, { storeName });
  const input = host.querySelector<HTMLInputElement>('input[type=file]')!;
  const csv = (name: string, text: string) => new File([text], name, { type: 'text/csv' });
  // only osie-s08, a viewer the training held out
  const s08 = fixationsCsv.split('\n').filter((l, i) => i === 0 || l.includes(',osie-s08,')).join('\n');
  let changed = 0;
  const onChanged = () => changed++;
  window.addEventListener(AUDIENCES_CHANGED_EVENT, onChanged);
  try {
    choose(input, [csv('stimuli.csv', stimuliCsv), csv('fixations.csv', s08.replace(/\n(osie-1021,osie-s08,0,2,)[^,]+/, '\n$1NaN')), ...images]);
    const problems = await until(() => { const p = host.querySelector('pre'); return p && !p.hidden && p.textContent; });
    expect(problems).toMatch(/fixations\.csv line \d+, column 5 \(x\): x must be a number, found "NaN"/);
    expect(host.querySelector<HTMLElement>('.gazecast-importer-actions')!.hidden).toBe(true);

    choose(input, [csv('stimuli.csv', stimuliCsv), csv('observers.csv', observersCsv), csv('fixations.csv', s08), ...images]);
    const add = await until(() => host.querySelector<HTMLButtonElement>('.gazecast-importer-personal'));
    expect(add.textContent).toBe('Add 1 personal audience');
    add.click();
    const result = await until(() => host.querySelector('.gazecast-importer-result')?.textContent);
    console.log(`[importer] ${result}`);
    expect(result).toMatch(/osie-s08 — 20 viewings, (consistent|mixed|inconsistent) \(spread [\d.]+\)\. log-likelihood [\d.]+ vs [\d.]+ bits\/fixation/);
    expect(result).toMatch(/of 10 held-back viewings better/);
    const store = await openAudienceStore(storeName);
    const saved = await store.list();
    store.close();
    expect(saved.map((a) => [a.kind, a.id, a.kind === 'personal' ? a.viewings : 0])).toEqual([['personal', 'osie-s08', 20]]);
    expect(saved[0]!.kind === 'personal' && saved[0]!.evaluation?.viewings).toBe(10);
    expect(changed).toBe(1);
  } finally {
    window.removeEventListener(AUDIENCES_CHANGED_EVENT, onChanged);
    importer.destroy();
    host.remove();
  }
}, 300_000);
