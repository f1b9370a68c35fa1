/**
 * A ready-made panel for the app's "personal and panel audiences" slot: drop a gaze study (any
 * supported format plus its images), see every problem with file, line and column (nothing is
 * saved then), and turn its viewers into personal audiences — each with the leave-some-out check
 * shown as it came out — or into a panel audience, optionally filtered by attributes.
 *
 *   const importer = mountAudienceImporter(slotElement, predictor);   // predictor: createPredictor's
 *   …
 *   importer.destroy();
 *
 * Audiences are saved in the audience store, which announces `gazecast-audiences-changed` on
 * window; the app re-reads its audience chips from there. Plain DOM, styled by the app through
 * the `gazecast-importer*` class names.
 */
import { formatProblems } from '../core/import/problems';
import type { GazeStudy } from '../core/import/types';
import type { HoldOutComparison } from '../core/personal/holdout-metrics';
import { viewingsOf } from '../core/personal/viewings';
import { openAudienceStore } from './audience-store';
import { PersonalAudiences, readStudyFiles, type EmbeddingPredictor, type StudyFileOptions } from './personal-audiences';

export interface AudienceImporterOptions extends StudyFileOptions {
  /** viewings held back per viewer for the check (default 10 embed, up to 10 held back) */
  readonly embedCount?: number;
  readonly heldOutCount?: number;
  /** IndexedDB name of the audience store (default the store's own) */
  readonly storeName?: string;
}

export interface AudienceImporter {
  readonly element: HTMLElement;
  destroy(): void;
}

/** "+0.12 bits/fixation (± 0.05), NSS +0.08, 7 of 10 held-back viewings better: helps" */
export function describeHoldOut(e: HoldOutComparison): string {
  const sign = (v: number, d = 3): string => `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(d)}`;
  const verdict = e.verdict === 'helps' ? 'personalisation helps for this viewer'
    : e.verdict === 'hurts' ? 'personalisation hurts for this viewer: prefer the population'
      : 'no clear difference from the population';
  return `log-likelihood ${e.personal.logLikelihood.toFixed(3)} vs ${e.population.logLikelihood.toFixed(3)} bits/fixation `
    + `(${sign(e.gain.logLikelihood)} ± ${e.gainStandardError.toFixed(3)}), NSS ${e.personal.nss.toFixed(2)} vs ${e.population.nss.toFixed(2)}, `
    + `${e.viewingsImproved} of ${e.viewings} held-back viewings better: ${verdict}`;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/**
 * Mounts the import panel in `container`: file picker, problems with file/line/column, one
 * personal audience per viewer (with the leave-some-out check) or one panel audience, saved in
 * the audience store. `predictor` needs the model's encoder (createPredictor's predictor does).
 */
export function mountAudienceImporter(container: HTMLElement, predictor: EmbeddingPredictor, options: AudienceImporterOptions = {}): AudienceImporter {
  const root = el('section', 'gazecast-importer');
  const input = el('input', 'gazecast-importer-files');
  input.type = 'file';
  input.multiple = true;
  input.accept = '.csv,.tsv,.txt,image/*';
  input.setAttribute('aria-label', 'Gaze recordings and their images');
  const hint = el('p', 'gazecast-importer-hint',
    'Choose or drop a study: canonical stimuli/observers/fixations CSVs, a Tobii Pro Lab export, an EyeLink fixation report or Pupil Labs surface fixations, with the images that were shown. Raw gaze stays in this tab; only embeddings are saved.');
  const status = el('p', 'gazecast-importer-status');
  status.setAttribute('role', 'status');
  const problems = el('pre', 'gazecast-importer-problems');
  problems.hidden = true;
  const actions = el('div', 'gazecast-importer-actions');
  actions.hidden = true;
  const results = el('ul', 'gazecast-importer-results');
  root.append(hint, input, status, problems, actions, results);
  container.append(root);

  let abort = new AbortController();
  let audiences: PersonalAudiences | undefined;

  const busy = (on: boolean): void => {
    for (const b of actions.querySelectorAll('button')) b.disabled = on;
    input.disabled = on;
  };

  const report = (e: unknown): void => {
    status.textContent = e instanceof Error ? e.message : String(e);
    status.classList.add('gazecast-importer-error');
  };

  async function run(task: (pa: PersonalAudiences) => Promise<void>): Promise<void> {
    if (!audiences) return;
    busy(true);
    status.classList.remove('gazecast-importer-error');
    try {
      await task(audiences);
    } catch (e) {
      report(e);
    } finally {
      busy(false);
    }
  }

  function offer(study: GazeStudy, images: Map<string, Blob>): void {
    audiences?.close();
    audiences = new PersonalAudiences(predictor, images);
    const pa = audiences;
    const usable = new Set(pa.availableStimuli(study).map((s) => s.id));
    const counts = study.observers.map((o) => ({
      id: o.id, viewings: viewingsOf(study, { observerId: o.id }).filter((v) => usable.has(v.stimulusId)).length,
    })).filter((o) => o.viewings > 0);
    status.textContent = `${counts.length} viewers, ${usable.size} images with their files, ${study.fixations.length} fixations (${study.format}).`;
    actions.replaceChildren();
    const check = el('label', 'gazecast-importer-check');
    const box = el('input', '');
    box.type = 'checkbox';
    box.checked = true;
    check.append(box, document.createTextNode(' check each viewer on held-back images'));
    const personal = el('button', 'gazecast-importer-personal', `Add ${counts.length} personal audience${counts.length === 1 ? '' : 's'}`);
    personal.type = 'button';
    const panelName = el('input', 'gazecast-importer-panel-name');
    panelName.placeholder = 'Panel name';
    panelName.value = 'My panel';
    const panelFilter = el('input', 'gazecast-importer-panel-filter');
    panelFilter.placeholder = 'Filter, e.g. gender=female; age=25-34';
    const panel = el('button', 'gazecast-importer-panel', 'Add as a panel');
    panel.type = 'button';
    actions.append(check, personal, panelName, panelFilter, panel);
    actions.hidden = false;

    personal.addEventListener('click', () => void run(async (p) => {
      const store = await openAudienceStore(options.storeName);
      try {
        for (const [i, o] of counts.entries()) {
          status.textContent = `Embedding ${o.id} (${i + 1} of ${counts.length})…`;
          const canCheck = box.checked && o.viewings > (options.embedCount ?? 10);
          const a = await p.personalAudience(study, o.id, {
            signal: abort.signal,
            ...(canCheck ? { evaluate: { embedCount: options.embedCount ?? 10, heldOutCount: options.heldOutCount ?? 10 } } : {}),
          });
          await store.save([a]);
          const li = el('li', 'gazecast-importer-result');
          li.append(el('strong', '', a.name), document.createTextNode(
            ` — ${a.viewings} viewings, ${a.consistency} (spread ${a.spread.toFixed(2)}). `
            + (a.evaluation ? describeHoldOut(a.evaluation)
              : box.checked ? `Too few viewings to hold some back (needs more than ${options.embedCount ?? 10}).` : '')));
          results.append(li);
        }
        status.textContent = `Saved ${counts.length} personal audience${counts.length === 1 ? '' : 's'}.`;
      } finally {
        store.close();
      }
    }));

    panel.addEventListener('click', () => void run(async (p) => {
      const store = await openAudienceStore(options.storeName);
      try {
        status.textContent = `Embedding ${counts.length} viewers…`;
        const a = await p.panelAudience(study, { signal: abort.signal, name: panelName.value.trim() || 'My panel', filter: panelFilter.value });
        await store.save([a]);
        results.append(el('li', 'gazecast-importer-result', `${a.name}: ${a.members.length} viewers.`));
        status.textContent = `Saved the panel "${a.name}".`;
      } finally {
        store.close();
      }
    }));
  }

  async function take(files: readonly File[]): Promise<void> {
    if (files.length === 0) return;
    abort.abort();
    abort = new AbortController();
    problems.hidden = true;
    actions.hidden = true;
    status.classList.remove('gazecast-importer-error');
    status.textContent = `Reading ${files.length} files…`;
    const r = await readStudyFiles(files, options);
    if (!r.ok) {
      status.textContent = `Nothing was imported: ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'} to fix.`;
      status.classList.add('gazecast-importer-error');
      problems.textContent = formatProblems(r.problems, 50);
      problems.hidden = false;
      return;
    }
    offer(r.value.study, r.value.images);
  }

  const onChange = (): void => void take([...(input.files ?? [])]).catch(report);
  const onDragOver = (e: DragEvent): void => {
    e.preventDefault();
    root.classList.add('gazecast-importer-over');
  };
  const onDragLeave = (): void => root.classList.remove('gazecast-importer-over');
  const onDrop = (e: DragEvent): void => {
    e.preventDefault();
    root.classList.remove('gazecast-importer-over');
    void take([...(e.dataTransfer?.files ?? [])]).catch(report);
  };
  input.addEventListener('change', onChange);
  root.addEventListener('dragover', onDragOver);
  root.addEventListener('dragleave', onDragLeave);
  root.addEventListener('drop', onDrop);

  return {
    element: root,
    destroy() {
      abort.abort();
      audiences?.close();
      input.removeEventListener('change', onChange);
      root.removeEventListener('dragover', onDragOver);
      root.removeEventListener('dragleave', onDragLeave);
      root.removeEventListener('drop', onDrop);
      root.remove();
    },
  };
}
