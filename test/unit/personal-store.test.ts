import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { openAudienceStore, type AudienceStore } from '../../src/client/audience-store';
import { exportAudiences, parseAudienceFile, type Audience, type AttributesAudience, type PanelAudience, type PersonalAudience } from '../../src/core/personal';

const personal: PersonalAudience = {
  kind: 'personal', id: 'osie-s07', name: 'Viewer s07', modelId: 'gazecast-mnv1-s8', createdAt: '2026-01-01T00:00:00.000Z',
  observerId: 'osie-s07', attributes: { task: 'free-viewing' }, embedding: [0.5, -0.25, 1], viewings: 10, spread: 0.4,
  signalToNoise: 4.2, consistency: 'consistent',
};
const panel: PanelAudience = {
  kind: 'panel', id: 'study-women-25-34', name: 'Women 25-34 in my panel', modelId: 'gazecast-mnv1-s8', createdAt: '2026-01-02T00:00:00.000Z',
  filter: { gender: ['female'], age: ['25-34'] },
  members: [
    { observerId: 'p1', embedding: [1, 0, 0], attributes: { age: '27', gender: 'female' }, viewings: 12 },
    { observerId: 'p2', embedding: [0, 1, 0], attributes: { age: '40', gender: 'female' }, viewings: 9 },
  ],
};

const group: AttributesAudience = {
  kind: 'attributes', id: 'aud-older', name: 'Older viewers', modelId: 'gazecast-mnv1-s8', createdAt: '2026-01-03T00:00:00.000Z',
  tokens: { age: '55+', vision: 'deutan' },
};

let store: AudienceStore | undefined;
let n = 0;
const open = async () => (store = await openAudienceStore(`test-${++n}`));
afterEach(() => store?.close());

describe('audience store (IndexedDB) and shared JSON', () => {
  it('saves, lists by model, exports and re-imports embeddings and attributes', async () => {
    const s = await open();
    await s.save([panel, personal]);
    expect((await s.list()).map((a) => a.id)).toEqual(['osie-s07', 'study-women-25-34']);
    expect(await s.list('another-model')).toEqual([]);
    const json = await s.exportJson();
    const parsed = parseAudienceFile(json);
    expect(parsed.ok && parsed.value).toEqual([personal, panel]);

    const other = await open();
    const r = await other.importJson(json);
    expect(r.ok).toBe(true);
    expect(await other.list()).toEqual([personal, panel]);
  });

  it('keeps attribute audiences beside embedded ones (one model, one store), and checks their tokens like an import', async () => {
    const s = await open();
    await s.save([group, personal]);
    expect((await s.list()).map((a) => a.kind)).toEqual(['personal', 'attributes']);
    await s.save([{ ...group, name: 'Seniors' }]); // a rename is a save of the same id
    expect((await s.get('aud-older'))?.name).toBe('Seniors');
    const parsed = parseAudienceFile(await s.exportJson(['aud-older']));
    expect(parsed.ok && parsed.value).toEqual([{ ...group, name: 'Seniors' }]);
    // 'unknown' means "any": not kept; a token with no value is refused, naming where
    const file = JSON.parse(exportAudiences([group])) as { audiences: Record<string, unknown>[] };
    file.audiences[0]!.tokens = { age: 'unknown', gender: '' };
    const r = parseAudienceFile(JSON.stringify(file, null, 2));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems.map((p) => p.message)).toEqual([expect.stringMatching(/^audiences\/0\/tokens\/gender: must be a slot key/)]);
    await s.remove('aud-older');
    expect(await s.get('aud-older')).toBeUndefined();
  });

  it('never stores or exports raw gaze, even when an imported file carries it', async () => {
    const s = await open();
    const withGaze = JSON.parse(exportAudiences([personal])) as { audiences: Record<string, unknown>[] };
    withGaze.audiences[0]!.fixations = [{ x: 1, y: 2 }];
    withGaze.audiences[0]!.rawGaze = 'stimulus_id,observer_id,...';
    const r = await s.importJson(JSON.stringify(withGaze));
    expect(r.ok).toBe(true);
    const saved = (await s.get('osie-s07')) as unknown as Record<string, unknown>;
    expect(saved).toEqual(personal);
    expect(await s.exportJson()).not.toMatch(/fixations|rawGaze/);
  });

  it('a malformed file changes nothing already saved, and says where it is wrong', async () => {
    const s = await open();
    await s.save([personal]);
    const before = await s.list();
    const good = exportAudiences([{ ...personal, id: 'new-one' }, panel]);
    const broken = good.replace('"viewings": 12', '"viewings": "twelve"');
    const r = await s.importJson(broken);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const line = broken.split('\n').findIndex((l) => l.includes('"twelve"')) + 1;
    expect(r.problems).toEqual([expect.objectContaining({ line, message: expect.stringMatching(/audiences\/1\/members\/0\/viewings: must be a finite number >= 0/) })]);
    const syntax = await s.importJson(good.slice(0, 200));
    expect(!syntax.ok && syntax.problems[0]!.message).toMatch(/not valid JSON/);
    expect(await s.list()).toEqual(before);
  });

  it('conflicting ids: keep both (renamed), replace, or reject the whole file', async () => {
    const s = await open();
    await s.save([personal]);
    const json = exportAudiences([{ ...personal, name: 'Again' }, panel]);
    const rejected = await s.importJson(json, { onConflict: 'reject' });
    expect(!rejected.ok && rejected.problems[0]!.message).toMatch(/already saved/);
    expect((await s.list()).map((a) => a.id)).toEqual(['osie-s07']);
    await s.importJson(json);
    expect((await s.list()).map((a) => [a.id, a.name])).toEqual([
      ['osie-s07', 'Viewer s07'], ['osie-s07-2', 'Again'], ['study-women-25-34', 'Women 25-34 in my panel']]);
    await s.importJson(json, { onConflict: 'replace' });
    expect((await s.get('osie-s07'))?.name).toBe('Again');
  });

  it('save validates every audience before writing any', async () => {
    const s = await open();
    const bad = { ...personal, id: 'bad', embedding: [1, Number.NaN] } as Audience;
    await expect(s.save([{ ...personal, id: 'fine' }, bad])).rejects.toMatchObject({ code: 'import-invalid' });
    expect(await s.list()).toEqual([]);
  });
});
