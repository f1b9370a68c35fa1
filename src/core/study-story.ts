/**
 * The words the app puts beside a virtual study (issue 14, point 3): the attention story built on
 * the study's metrics (what is seen first and by how many, what most viewers never reach in 3 s),
 * the comparison of two audiences' studies judged against the panels' sampling noise
 * (`shareDifference`), and the model card's calibration of such figures against real viewers
 * (`manifest.metrics.scanpath.calibration`). Pure and DOM-free, so the app, its report and the
 * tests read the same sentences.
 */
import type { AoiStudyMetrics, Proportion, StudyReport } from './study-metrics';
import { shareDifference } from './study-metrics';

/** "62 %" (whole percent; under 1 % but not 0 says "<1 %"). */
export function formatPercent(share: number): string {
  if (share > 0 && share < 0.005) return '<1 %';
  return `${Math.round(share * 100)} %`;
}

/** "55–69 %": a Wilson interval in whole percent. */
export function formatInterval(p: Pick<Proportion, 'low' | 'high'>): string {
  return `${Math.round(p.low * 100)}–${Math.round(p.high * 100)} %`;
}

/** "0.62 s" under 10 s, "12 s" above. */
export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return s < 10 ? `${s.toFixed(2)} s` : `${Math.round(s)} s`;
}

/** The seen-within entry of `m` for `withinMs`, or null when the report has no such window or it is undefined. */
export function seenWithin(m: AoiStudyMetrics, withinMs: number): Proportion | null {
  return m.seenWithin.find((s) => s.withinMs === withinMs)?.seen ?? null;
}

function quoted(name: string): string {
  return `“${name}”`;
}

/**
 * The attention story of one audience's study: the area most viewers look at first (and how
 * many), the areas most see within 1 s, and the areas most viewers never reach within 3 s
 * (seen within 3 s under 50 %). Windows the report does not have (a viewing shorter than 3 s)
 * are left out rather than guessed.
 */
export function studyStory(audience: string, report: StudyReport): string {
  const n = report.viewers;
  if (n === 0) return `No simulated viewers of ${audience}.`;
  if (report.aois.length === 0) return `${n} simulated viewers of ${audience}: draw areas to see who sees what, and when.`;
  const parts: string[] = [];
  const byFirst = [...report.aois].filter((m) => m.firstFixation && m.firstFixation.count > 0).sort((a, b) => b.firstFixation!.share - a.firstFixation!.share);
  const first = byFirst[0];
  if (first) {
    parts.push(`Of ${n} simulated viewers of ${audience}, ${formatPercent(first.firstFixation!.share)} look at ${quoted(first.name)} first`);
  } else {
    parts.push(`None of ${n} simulated viewers of ${audience} looks at a drawn area first`);
  }
  const ttff = first?.timeToFirstFixation;
  const s1 = first ? seenWithin(first, 1000) : null;
  if (first && s1) parts[0] += `; ${formatPercent(s1.share)} see it within 1 s${ttff ? ` (median ${formatSeconds(ttff.median)} to first look)` : ''}`;
  parts[0] += '.';
  const quick = report.aois.filter((m) => m !== first && (seenWithin(m, 1000)?.share ?? 0) >= 0.5);
  if (quick.length > 0) parts.push(`Most also see ${quick.map((m) => `${quoted(m.name)} (${formatPercent(seenWithin(m, 1000)!.share)})`).join(', ')} within 1 s.`);
  const missed = report.aois.filter((m) => {
    const s3 = seenWithin(m, 3000);
    return s3 !== null && s3.share < 0.5;
  });
  if (missed.length > 0) {
    parts.push(`Most viewers never reach ${missed.map((m) => `${quoted(m.name)} (${formatPercent(seenWithin(m, 3000)!.share)} within 3 s)`).join(', ')}.`);
  } else if (report.aois.every((m) => seenWithin(m, 3000) !== null)) {
    parts.push('Every area is seen by most viewers within 3 s.');
  }
  return parts.join(' ');
}

/** One area's comparison on one figure: both shares, the difference and whether it is beyond the noise. */
export interface StudyComparisonLine {
  readonly aoi: string;
  /** "seen within 1 s", "seen within 3 s", "looked here first" */
  readonly figure: string;
  readonly a: number;
  readonly b: number;
  /** A − B, fraction, with Newcombe's 95 % interval */
  readonly difference: number;
  readonly low: number;
  readonly high: number;
  readonly beyondNoise: boolean;
  /** "“Price” seen within 1 s: A 62 %, B 18 % (A +44 points, beyond the panels' noise)" */
  readonly text: string;
}

const FIGURES: readonly { label: string; pick: (m: AoiStudyMetrics) => Proportion | null }[] = [
  { label: 'seen within 1 s', pick: (m) => seenWithin(m, 1000) },
  { label: 'seen within 3 s', pick: (m) => seenWithin(m, 3000) },
  { label: 'looked here first', pick: (m) => m.firstFixation },
];

/**
 * Audience A's study against B's, area by area (matched by id, the same AOIs) on seen within
 * 1 s, within 3 s and first fixation; each with the difference's interval, so a line says when a
 * gap is within the panels' sampling noise.
 */
export function compareStudies(a: StudyReport, b: StudyReport): StudyComparisonLine[] {
  const out: StudyComparisonLine[] = [];
  for (const ma of a.aois) {
    const mb = b.aois.find((m) => m.id === ma.id);
    if (!mb) continue;
    for (const f of FIGURES) {
      const pa = f.pick(ma), pb = f.pick(mb);
      if (!pa || !pb) continue;
      const d = shareDifference(pa, pb);
      const pts = Math.round(d.difference * 100);
      const gap = pts === 0 ? 'no gap' : `${pts > 0 ? 'A' : 'B'} +${Math.abs(pts)} points`;
      const verdict = d.beyondNoise ? "beyond the panels' noise" : "within the panels' noise";
      out.push({
        aoi: ma.name,
        figure: f.label,
        a: pa.share,
        b: pb.share,
        difference: d.difference,
        low: d.low,
        high: d.high,
        beyondNoise: d.beyondNoise,
        text: `${quoted(ma.name)} ${f.label}: A ${formatPercent(pa.share)}, B ${formatPercent(pb.share)} (${gap}, ${verdict})`,
      });
    }
  }
  return out;
}

/**
 * The comparison in words: the largest differences beyond the noise (at most `max`), or that the
 * two audiences do not differ beyond the panels' noise on any area.
 */
export function describeStudyComparison(lines: readonly StudyComparisonLine[], nameA: string, nameB: string, max = 3): string {
  if (lines.length === 0) return '';
  const real = lines.filter((l) => l.beyondNoise).sort((x, y) => Math.abs(y.difference) - Math.abs(x.difference));
  if (real.length === 0) {
    return `${nameA} (A) and ${nameB} (B) do not differ beyond the panels' noise on any area: every gap in who sees what, and when, is within the 95 % interval of two panels of this size.`;
  }
  return `${nameA} (A) vs ${nameB} (B): ${real.slice(0, max).map((l) => l.text).join('; ')}.`;
}

/** How well the model's virtual panels matched real viewers on validation, per kind of area. */
export interface StudyCalibration {
  /** "faces", "grid", … as the model card names its area sets */
  readonly areaSet: string;
  /** mean absolute error of "seen within 3 fixations", percentage points */
  readonly seenWithin3MaePp: number;
  /** mean absolute error of the median time to first fixation, ms (when measured) */
  readonly ttffMaeMs?: number;
}

function num(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
}

/**
 * The calibration of virtual panels against real viewers from the manifest's
 * `metrics.scanpath.calibration` (written by training: per area set, `seenWithin3Fixations.maePp`
 * and `ttffMedian.maeMs`); null when the model has none.
 */
export function studyCalibrationFromMetrics(metrics: unknown): StudyCalibration[] | null {
  const cal = (metrics as { scanpath?: { calibration?: unknown } } | undefined)?.scanpath?.calibration;
  if (typeof cal !== 'object' || cal === null) return null;
  const out: StudyCalibration[] = [];
  for (const [areaSet, v] of Object.entries(cal as Record<string, unknown>)) {
    if (typeof v !== 'object' || v === null) continue; // images, viewersPerImage, …
    const s3 = num((v as { seenWithin3Fixations?: { maePp?: unknown } }).seenWithin3Fixations?.maePp);
    if (s3 === undefined) continue;
    const ttff = num((v as { ttffMedian?: { maeMs?: unknown } }).ttffMedian?.maeMs);
    out.push({ areaSet, seenWithin3MaePp: s3, ...(ttff !== undefined ? { ttffMaeMs: ttff } : {}) });
  }
  return out.length > 0 ? out : null;
}

/** The calibration as one line for the table, e.g. "On validation, seen within 3 fixations was within 9 points of real viewers (faces), 12 (grid); …". */
export function describeStudyCalibration(cal: readonly StudyCalibration[] | null): string {
  if (!cal) return 'This model has no calibration against real viewers: read these figures as relative, not absolute.';
  const seen = cal.map((c) => `${Math.round(c.seenWithin3MaePp)} points (${c.areaSet} areas)`).join(', ');
  const ttff = cal.filter((c) => c.ttffMaeMs !== undefined).map((c) => `${formatSeconds(c.ttffMaeMs!)} (${c.areaSet})`).join(', ');
  return `How well such figures matched real viewers on validation (mean absolute error): seen within 3 fixations ${seen}${ttff ? `; median time to first fixation ${ttff}` : ''}.`;
}
