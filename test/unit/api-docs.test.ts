/**
 * docs/api.md is generated (TypeDoc, scripts/api-docs.mjs) and must match the types it documents:
 * a changed signature or doc comment without `npm run docs:api` fails here, and so does a type the
 * public API uses that no entry point exports (TypeDoc's warning fails the generator).
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

describe('docs/api.md', () => {
  it('is up to date with the public types (npm run docs:api)', () => {
    let out = '';
    try {
      out = execFileSync(process.execPath, [join(root, 'scripts/api-docs.mjs'), '--check'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string };
      expect.fail(`${err.stderr ?? ''}${err.stdout ?? ''}`.trim());
    }
    expect(out).toContain('docs/api.md is up to date');
  }, 180_000);
});
