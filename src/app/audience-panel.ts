/**
 * The audiences panel: the chips of every audience (presets, saved attribute audiences, the
 * model's panel viewers, imported personal and panel audiences), which is A and which is B, the
 * editor that saves a new one from the model's slots, renaming and deleting, and the A/B choice
 * kept over a reload. It owns the list and the A/B ids; the rest of the app reads them (App's
 * getters) and is told through `AudiencePanelHost` when to predict and redraw.
 */
import type { ModelManifest } from '../index';
import type { PanelAudience } from '../client/personal-audiences';
import type { WorkStore, LastSession } from './work-store';
import { nameFromTokens, newId, panelViewers, presetAudiences, slotLabel, valueLabel, type Audience } from './audiences';
import type { ViewMode } from './colors';
import { $ } from './dom';
import { removePersonalAudience, renamePersonalAudience } from './personal-bridge';

/** What the panel reads from the app and what it asks of it. */
export interface AudiencePanelHost {
  readonly mode: ViewMode;
  readonly store: WorkStore | null;
  readonly manifest: ModelManifest | null;
  /** predictions for the audiences shown (after A or B changed) */
  refresh(): Promise<void>;
  /** captions, legend, tables and stories (after a rename) */
  paint(): void;
  renderPanels(): void;
  showMessage(text: string): void;
}

export class AudiencePanel {
  audiences: Audience[] = [];
  aId = 'preset-everyone';
  bId: string | null = null;
  /** the model panel's viewers (offered in the viewer list; a chip once chosen) */
  private panelOnly: Audience[] = [];
  /**
   * Audiences A and B saved before a reload, applied once their audiences exist: presets and
   * saved ones in `load`, imported ones in `setExternal`. Until then nothing is saved over them.
   */
  private pendingAb: { aId?: string; bId?: string | null } | null = null;
  /** the model is loaded (before that, the default A/B are not worth remembering) */
  private loaded = false;

  constructor(private readonly app: AudiencePanelHost) {}

  audience(id: string | null): Audience | undefined {
    return id ? this.audiences.find((a) => a.id === id) : undefined;
  }

  restore(s: LastSession): void {
    if (s.aId) this.pendingAb = { aId: s.aId, ...(s.bId !== undefined ? { bId: s.bId } : {}) };
  }

  /** The model's audiences: presets, saved ones, the panel's viewers; then the saved A/B. */
  async load(manifest: ModelManifest, panel: PanelAudience | null): Promise<void> {
    this.buildSlotFields(manifest);
    const saved = this.app.store ? await this.app.store.list().catch(() => []) : [];
    this.audiences = [...presetAudiences(manifest), ...saved];
    this.fillPanelSelect(panelViewers(panel, manifest));
    if (!this.audiences.some((a) => a.id === this.aId)) this.aId = this.audiences[0]!.id;
    this.bId = this.audiences.find((a) => a.id !== this.aId && a.source === 'preset')?.id ?? null;
    // imported audiences arrive later (setExternal): keep waiting for those
    if (this.applyPendingAb() || (!this.pendingAb?.aId?.startsWith('personal-') && !this.pendingAb?.bId?.startsWith('personal-'))) this.pendingAb = null;
    this.loaded = true;
    this.render();
  }

  /** Replaces the audiences that come from the personal-audience module (imported studies). */
  setExternal(list: readonly Audience[]): void {
    this.audiences = [...this.audiences.filter((a) => !a.id.startsWith('personal-')), ...list];
    const before = `${this.aId}|${this.bId}`;
    this.applyPendingAb();
    this.pendingAb = null;
    if (!this.audience(this.aId)) this.aId = this.audiences[0]!.id;
    if (this.bId && !this.audience(this.bId)) this.bId = null;
    this.render();
    if (`${this.aId}|${this.bId}` !== before) void this.app.refresh();
  }

  /** Compare and difference need a B: the first audience that is not A. */
  ensureB(): void {
    if (this.bId) return;
    this.bId = this.audiences.find((a) => a.id !== this.aId)?.id ?? null;
    this.render();
  }

  /** A model panel viewer chosen in the list becomes a chip and audience A. */
  addPanelViewer(id: string): void {
    const a = this.panelOnly.find((x) => x.id === id);
    if (!a) return;
    if (!this.audiences.some((x) => x.id === a.id)) this.audiences.push(a);
    this.set('a', a.id);
  }

  set(slot: 'a' | 'b', id: string): void {
    if (slot === 'a') {
      if (this.bId === id) this.bId = this.aId;
      this.aId = id;
    } else {
      if (this.aId === id) this.aId = this.bId ?? this.aId;
      this.bId = id;
    }
    this.render();
    void this.app.refresh();
  }

  async saveFromForm(): Promise<void> {
    const manifest = this.app.manifest;
    if (!manifest) return;
    const tokens = this.formTokens();
    const nameInput = $<HTMLInputElement>('audience-name');
    const name = nameInput.value.trim() || nameFromTokens(tokens, manifest.profile.tokens.slots);
    const a: Audience = { id: newId('aud'), name, tokens, source: 'attributes', createdAt: Date.now() };
    this.audiences.push(a);
    try {
      await this.app.store?.put(a);
    } catch (e) {
      this.app.showMessage(`The audience is in use but could not be saved in this browser (${(e as Error).message}).`);
    }
    nameInput.value = '';
    this.set(this.app.mode === 'single' ? 'a' : 'b', a.id);
  }

  /** Deletes an audience of any kind but the presets: a saved one from this app's store, an
   *  imported personal or panel one from the personal-audience store, a model panel viewer from
   *  the chips (it stays in the viewer list to add again). */
  async remove(id: string): Promise<void> {
    const aud = this.audience(id);
    if (!aud || aud.source === 'preset') return;
    this.audiences = this.audiences.filter((a) => a.id !== id);
    if (this.aId === id) this.aId = this.audiences[0]!.id;
    if (this.bId === id) this.bId = this.audiences.find((a) => a.id !== this.aId)?.id ?? null;
    this.render();
    void this.app.refresh();
    try {
      if (id.startsWith('personal-')) await removePersonalAudience(id);
      else await this.app.store?.remove(id); // saved audiences, and panel viewers saved by a rename
    } catch (e) {
      this.app.showMessage(`“${aud.name}” is gone from this page but could not be deleted from this browser's storage (${(e as Error).message}); it may come back after a reload.`);
    }
  }

  /** Renames an audience of any kind but the presets, where it is kept: this app's store (saved
   *  and model panel viewers, which are saved by a rename), or the personal-audience store. */
  async rename(id: string, name: string): Promise<void> {
    const aud = this.audience(id);
    if (!aud || aud.source === 'preset') return;
    const renamed: Audience = { ...aud, name };
    this.audiences = this.audiences.map((a) => (a.id === id ? renamed : a));
    this.render();
    this.app.paint();
    this.app.renderPanels();
    try {
      if (id.startsWith('personal-')) await renamePersonalAudience(id, name);
      else await this.app.store?.put(renamed);
    } catch (e) {
      this.app.showMessage(`“${name}” is renamed on this page but could not be saved in this browser (${(e as Error).message}).`);
    }
  }

  /** Applies the saved A/B where those audiences are known now; true when nothing is left pending. */
  private applyPendingAb(): boolean {
    const p = this.pendingAb;
    if (!p) return true;
    for (const id of [p.aId, p.bId]) {
      const viewer = id ? this.panelOnly.find((x) => x.id === id) : undefined;
      if (viewer && !this.audience(viewer.id)) this.audiences.push(viewer);
    }
    const aOk = !p.aId || !!this.audience(p.aId), bOk = !p.bId || !!this.audience(p.bId);
    if (aOk && p.aId) this.aId = p.aId;
    if (bOk && p.bId !== undefined && p.bId !== this.aId) this.bId = p.bId;
    return aOk && bOk;
  }

  private fillPanelSelect(panel: Audience[]): void {
    this.panelOnly = panel;
    const sel = $<HTMLSelectElement>('panel-select');
    sel.replaceChildren(new Option(panel.length ? 'Choose a viewer…' : 'This model has no panel', ''));
    for (const a of panel) sel.add(new Option(a.name, a.id));
    sel.disabled = panel.length === 0;
    $('panel-hint').textContent = panel.length
      ? `${panel.length} viewers from the model's training panel, each with a personal embedding.`
      : "Viewers from your own eye-tracking studies can be added as personal audiences.";
  }

  /** The editor's fields: one select per slot of the model, nothing the model does not list. */
  private buildSlotFields(manifest: ModelManifest): void {
    const host = $('slot-fields');
    host.replaceChildren();
    for (const slot of manifest.profile.tokens.slots) {
      const id = `slot-${slot.key}`;
      const label = document.createElement('label');
      label.htmlFor = id;
      label.textContent = slotLabel(slot);
      const sel = document.createElement('select');
      sel.id = id;
      sel.dataset.slot = slot.key;
      for (const v of slot.values) sel.add(new Option(valueLabel(slot.key, v), v));
      sel.addEventListener('change', () => {
        $<HTMLInputElement>('audience-name').placeholder = nameFromTokens(this.formTokens(), manifest.profile.tokens.slots);
      });
      host.append(label, sel);
    }
  }

  private formTokens(): Record<string, string> {
    const t: Record<string, string> = {};
    for (const sel of $('slot-fields').querySelectorAll<HTMLSelectElement>('select[data-slot]')) {
      if (sel.value !== 'unknown') t[sel.dataset.slot!] = sel.value;
    }
    return t;
  }

  /** Replaces a chip's name with a text field: Enter or leaving it renames, Escape cancels. */
  private startRename(li: HTMLElement, nameEl: HTMLElement, aud: Audience): void {
    const input = document.createElement('input');
    input.type = 'text';
    input.className = 'chip-rename';
    input.value = aud.name;
    input.maxLength = 60;
    input.setAttribute('aria-label', `New name for “${aud.name}”`);
    let done = false;
    const finish = (commit: boolean) => {
      if (done) return;
      done = true;
      const next = input.value.trim();
      if (commit && next && next !== aud.name) void this.rename(aud.id, next);
      else this.render();
    };
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') { e.preventDefault(); finish(true); }
      else if (e.key === 'Escape') { e.preventDefault(); finish(false); }
    });
    input.addEventListener('blur', () => finish(true));
    li.replaceChild(input, nameEl);
    input.focus();
    input.select();
  }

  render(): void {
    const a = this.audience(this.aId), b = this.audience(this.bId);
    $('slot-a-name').textContent = a?.name ?? '—';
    $('slot-b-name').textContent = b?.name ?? '—';
    // remembered for a reload; not while a saved choice still waits for its audiences
    if (!this.pendingAb && this.loaded) void this.app.store?.saveSession({ aId: this.aId, bId: this.bId }).catch(() => undefined);
    const ul = $('audience-chips');
    ul.replaceChildren();
    for (const aud of this.audiences) {
      const li = document.createElement('li');
      li.className = 'chip';
      // the name of every audience but the presets is a button that renames it in place
      const name = document.createElement(aud.source === 'preset' ? 'span' : 'button');
      name.className = 'chip-name';
      name.textContent = aud.name;
      name.title = aud.source === 'preset' ? aud.name : `${aud.name} (click to rename)`;
      if (name instanceof HTMLButtonElement) {
        name.type = 'button';
        name.setAttribute('aria-label', `Rename audience “${aud.name}”`);
        name.addEventListener('click', () => this.startRename(li, name, aud));
      }
      const kind = document.createElement('span');
      kind.className = 'chip-kind';
      kind.textContent = aud.source === 'panel' || aud.source === 'personal' ? aud.source : '';
      const mk = (letter: 'A' | 'B') => {
        const btn = document.createElement('button');
        btn.type = 'button';
        btn.className = `set-${letter.toLowerCase()}`;
        btn.textContent = letter;
        const on = letter === 'A' ? aud.id === this.aId : aud.id === this.bId;
        btn.setAttribute('aria-pressed', String(on));
        btn.setAttribute('aria-label', `Use “${aud.name}” as audience ${letter}`);
        btn.addEventListener('click', () => this.set(letter === 'A' ? 'a' : 'b', aud.id));
        return btn;
      };
      li.append(name, kind, mk('A'), mk('B'));
      if (aud.source !== 'preset') {
        const rm = document.createElement('button');
        rm.type = 'button';
        rm.className = 'remove';
        rm.textContent = '✕';
        rm.setAttribute('aria-label', `Delete audience “${aud.name}”`);
        rm.addEventListener('click', () => void this.remove(aud.id));
        li.append(rm);
      }
      ul.append(li);
    }
  }
}
