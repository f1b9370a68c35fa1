/**
 * The audiences panel: the chips of every audience (the built-in presets, and everything in the
 * package's audience store: attribute groups saved here, the model panel's viewers once chosen,
 * imported personal and panel audiences), which is A and which is B, the editor that saves a new
 * one from the model's slots, renaming and deleting, and the A/B choice kept over a reload. It
 * owns the list and the A/B ids; the rest of the app reads them (App's getters) and is told
 * through `AudiencePanelHost` when to predict and redraw.
 *
 * The store (gazecast/personal's openAudienceStore, `gazecast-audiences`) is the one source of
 * truth, as for any user of the package: every change is written there, and the list is re-read
 * whenever the store announces a change (AUDIENCES_CHANGED_EVENT: a save, an import, a deletion).
 */
import type { ModelManifest } from '../index';
import type { AudienceStore, PanelAudience } from '../client/personal-audiences';
import { attributesAudience, kindLabel, nameFromTokens, panelViewers, presetAudiences, slotLabel, usableWith, valueLabel, type Audience } from './audiences';
import type { ViewMode } from './colors';
import { $ } from './dom';
import { fromLegacyAudience } from './legacy-audiences';
import type { LastSession, WorkStore } from './work-store';

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

/** Ids saved by versions that prefixed imported audiences' chips with "personal-". */
const OLD_PREFIX = /^personal-/;

export class AudiencePanel {
  audiences: Audience[] = [];
  aId = 'preset-everyone';
  bId: string | null = null;
  /** the built-in audiences (never stored, cannot be renamed or deleted) */
  private presets: Audience[] = [];
  /** the model panel's viewers (offered in the viewer list; a chip, and saved, once chosen) */
  private panelOnly: PanelAudience[] = [];
  /** the package's audience store; null where IndexedDB is unavailable (audiences last for the tab) */
  private store: AudienceStore | null = null;
  /** the store was opened (or tried) and its change event is listened to: once per page */
  private storeOpened = false;
  /** Audiences A and B saved before a reload, applied once the audiences are read. */
  private pendingAb: { aId?: string; bId?: string | null } | null = null;
  /** the model is loaded (before that, the default A/B are not worth remembering) */
  private loaded = false;

  constructor(private readonly app: AudiencePanelHost) {}

  audience(id: string | null): Audience | undefined {
    return id ? this.audiences.find((a) => a.id === id) : undefined;
  }

  /** A preset: built in, so it cannot be renamed or deleted. */
  isPreset(a: Audience): boolean {
    return this.presets.includes(a);
  }

  restore(s: LastSession): void {
    if (s.aId) this.pendingAb = { aId: s.aId, ...(s.bId !== undefined ? { bId: s.bId } : {}) };
  }

  /** The model's audiences: presets, the store's, the panel's viewers; then the saved A/B. */
  async load(manifest: ModelManifest, panel: PanelAudience | null): Promise<void> {
    this.buildSlotFields(manifest);
    this.presets = presetAudiences(manifest);
    this.fillPanelSelect(panelViewers(panel));
    if (!this.storeOpened) {
      this.storeOpened = true;
      const personal = await import('../client/personal-audiences');
      try {
        this.store = await personal.openAudienceStore();
        await this.moveLegacyAudiences(manifest);
      } catch (e) {
        this.app.showMessage(`Saved audiences are unavailable in this browser session (${(e as Error).message}); new ones last until the tab closes.`);
      }
      window.addEventListener(personal.AUDIENCES_CHANGED_EVENT, () => void this.reread());
    }
    await this.reread(false);
    if (!this.audiences.some((a) => a.id === this.aId)) this.aId = this.audiences[0]!.id;
    this.bId = this.presets.find((a) => a.id !== this.aId)?.id ?? null;
    this.applyPendingAb();
    this.pendingAb = null;
    this.loaded = true;
    this.render();
  }

  /**
   * Re-reads the store (after any change to it, here or by the importer): the presets, then the
   * saved audiences the loaded model can use, oldest first. A and B stay unless they are gone.
   */
  private async reread(announce = true): Promise<void> {
    const manifest = this.app.manifest;
    if (!manifest) return;
    const presetIds = new Set(this.presets.map((a) => a.id));
    const saved = this.store ? await this.store.list().catch(() => null) : null;
    // without a store (or when it fails to read) the audiences made in this tab are kept
    const kept = saved ?? this.audiences.filter((a) => !presetIds.has(a.id));
    this.audiences = [...this.presets, ...kept.filter((a) => usableWith(a, manifest) && !presetIds.has(a.id))];
    if (!announce) return;
    const before = `${this.aId}|${this.bId}`;
    if (!this.audience(this.aId)) this.aId = this.audiences[0]!.id;
    if (this.bId && (!this.audience(this.bId) || this.bId === this.aId)) this.bId = null;
    this.render();
    this.app.paint();
    this.app.renderPanels();
    if (`${this.aId}|${this.bId}` !== before) void this.app.refresh();
  }

  /** Audiences this app kept in its own database before: into the package's store, once. */
  private async moveLegacyAudiences(manifest: ModelManifest): Promise<void> {
    const work = this.app.store;
    if (!work || !this.store) return;
    const old = await work.legacyAudiences();
    if (old.length === 0) return;
    const moved = old.map((r) => fromLegacyAudience(r, manifest.id)).filter((a): a is NonNullable<typeof a> => a !== null);
    await this.store.save(moved); // one transaction: all or none
    await work.clearLegacyAudiences();
  }

  /** Compare and difference need a B: the first audience that is not A. */
  ensureB(): void {
    if (this.bId) return;
    this.bId = this.audiences.find((a) => a.id !== this.aId)?.id ?? null;
    this.render();
  }

  /** A model panel viewer chosen in the list becomes a saved chip and audience A. */
  async addPanelViewer(id: string): Promise<void> {
    const viewer = this.panelOnly.find((x) => x.id === id);
    if (!viewer) return;
    // dated now, so the new chip comes last like any audience just made (the store lists oldest first)
    const a: PanelAudience = { ...viewer, createdAt: new Date().toISOString() };
    if (!this.audience(a.id)) {
      this.audiences.push(a);
      await this.persist(() => this.store?.save([a]), `“${a.name}” is in use but could not be saved in this browser`);
    }
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
    const a = attributesAudience(name, tokens, manifest);
    this.audiences.push(a);
    nameInput.value = '';
    await this.persist(() => this.store?.save([a]), 'The audience is in use but could not be saved in this browser');
    this.set(this.app.mode === 'single' ? 'a' : 'b', a.id);
  }

  /** Deletes an audience of any kind but the presets from the store (a model panel viewer stays
   *  in the viewer list, to add again). */
  async remove(id: string): Promise<void> {
    const aud = this.audience(id);
    if (!aud || this.isPreset(aud)) return;
    this.audiences = this.audiences.filter((a) => a.id !== id);
    if (this.aId === id) this.aId = this.audiences[0]!.id;
    if (this.bId === id) this.bId = this.audiences.find((a) => a.id !== this.aId)?.id ?? null;
    this.render();
    void this.app.refresh();
    await this.persist(() => this.store?.remove(id),
      `“${aud.name}” is gone from this page but could not be deleted from this browser's storage; it may come back after a reload`);
  }

  /** Renames an audience of any kind but the presets, in the store. */
  async rename(id: string, name: string): Promise<void> {
    const aud = this.audience(id);
    if (!aud || this.isPreset(aud)) return;
    const renamed: Audience = { ...aud, name };
    this.audiences = this.audiences.map((a) => (a.id === id ? renamed : a));
    this.render();
    this.app.paint();
    this.app.renderPanels();
    await this.persist(() => this.store?.save([renamed]), `“${name}” is renamed on this page but could not be saved in this browser`);
  }

  /** Runs a store write; a failure is told (the change stays on this page) instead of thrown. */
  private async persist(write: () => Promise<void> | undefined, failed: string): Promise<void> {
    try {
      await write();
    } catch (e) {
      this.app.showMessage(`${failed} (${(e as Error).message}).`);
    }
  }

  /** Applies the saved A/B where those audiences still exist. */
  private applyPendingAb(): void {
    const p = this.pendingAb;
    if (!p) return;
    const known = (id: string | null | undefined) => (id ? this.audience(id)?.id ?? this.audience(id.replace(OLD_PREFIX, ''))?.id : undefined);
    const a = known(p.aId), b = known(p.bId);
    if (a) this.aId = a;
    if (p.bId === null) this.bId = null;
    else if (b && b !== this.aId) this.bId = b;
  }

  private fillPanelSelect(panel: PanelAudience[]): void {
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
      const preset = this.isPreset(aud);
      const name = document.createElement(preset ? 'span' : 'button');
      name.className = 'chip-name';
      name.textContent = aud.name;
      name.title = preset ? aud.name : `${aud.name} (click to rename)`;
      if (name instanceof HTMLButtonElement) {
        name.type = 'button';
        name.setAttribute('aria-label', `Rename audience “${aud.name}”`);
        name.addEventListener('click', () => this.startRename(li, name, aud));
      }
      const kind = document.createElement('span');
      kind.className = 'chip-kind';
      kind.textContent = kindLabel(aud);
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
      if (!preset) {
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
