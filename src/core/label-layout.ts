/**
 * Where to put the number badges of a second set of points so they do not sit on the first
 * set's (difference view: A's and B's fixation numbers on one picture). A badge stays on its
 * point unless it would overlap a badge already placed; then it is pushed straight away from
 * that badge (down-right when the two coincide) until they just touch. Pure geometry, no DOM.
 */
import type { Vec2 } from './aoi';

/**
 * Badge centres for `points` (same order), each at least `minDist` from every `fixed` centre and
 * from the badges placed before it. A few relaxation rounds settle chains of neighbours.
 */
export function separateBadges(points: readonly Vec2[], fixed: readonly Vec2[], minDist: number): Vec2[] {
  const placed: Vec2[] = [];
  for (const p of points) {
    let x = p.x, y = p.y;
    for (let round = 0; round < 12; round++) {
      let moved = false;
      for (const f of [...fixed, ...placed]) {
        const dx = x - f.x, dy = y - f.y;
        const d = Math.hypot(dx, dy);
        if (d >= minDist - 1e-9) continue;
        // coincident: a fixed direction (down-right), so the result does not depend on rounding
        const ux = d > 1e-9 ? dx / d : Math.SQRT1_2, uy = d > 1e-9 ? dy / d : Math.SQRT1_2;
        x = f.x + ux * minDist;
        y = f.y + uy * minDist;
        moved = true;
      }
      if (!moved) break;
    }
    placed.push({ x, y });
  }
  return placed;
}
