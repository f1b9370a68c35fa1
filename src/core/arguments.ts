/**
 * Argument checks for the public entry points. JavaScript callers (and TypeScript callers with
 * `any`) can pass anything; every public function checks what it is given up front and answers
 * a wrong type or an out-of-range number with GazecastError('invalid-argument') naming the
 * argument, what it got and what it takes, instead of a TypeError deep inside or a silent default.
 */
import type { DecodeOptions } from './decode';
import { GazecastError } from './errors';

export function describeValue(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'function') return 'a function';
  const name = (v as object).constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : 'an object';
}

export function invalidArgument(name: string, got: unknown, wants: string): never {
  throw new GazecastError('invalid-argument', `${name} must be ${wants}, got ${describeValue(got)}.`);
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An options object: undefined (all defaults) or a non-array object. */
export function checkOptions(v: unknown, name: string): Record<string, unknown> {
  if (v === undefined) return {};
  if (!isPlainObject(v)) invalidArgument(name, v, 'an options object');
  return v;
}

export interface NumberBounds {
  readonly min?: number;
  readonly max?: number;
  /** exclusive lower bound */
  readonly above?: number;
  readonly integer?: boolean;
  /** Infinity is a valid value (e.g. proximity) */
  readonly infinite?: boolean;
}

export function checkNumber(v: unknown, name: string, b: NumberBounds = {}): number {
  const wants = [
    b.integer ? 'an integer' : 'a number',
    b.above !== undefined ? `above ${b.above}` : '',
    b.min !== undefined ? `>= ${b.min}` : '',
    b.max !== undefined ? `<= ${b.max}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  if (typeof v !== 'number' || Number.isNaN(v) || (!b.infinite && !Number.isFinite(v))) invalidArgument(name, v, wants);
  if (b.integer && Number.isFinite(v) && !Number.isInteger(v)) invalidArgument(name, v, wants);
  if ((b.min !== undefined && v < b.min) || (b.max !== undefined && v > b.max) || (b.above !== undefined && !(v > b.above))) invalidArgument(name, v, wants);
  return v;
}

export function checkOptionalNumber(v: unknown, name: string, b: NumberBounds = {}): number | undefined {
  return v === undefined ? undefined : checkNumber(v, name, b);
}

export function checkBoolean(v: unknown, name: string): boolean | undefined {
  if (v !== undefined && typeof v !== 'boolean') invalidArgument(name, v, 'true or false');
  return v as boolean | undefined;
}

export function checkString(v: unknown, name: string, optional = false): string | undefined {
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string' || v.length === 0) invalidArgument(name, v, 'a non-empty string');
  return v;
}

export function checkOneOf<T extends string>(v: unknown, name: string, values: readonly T[]): T | undefined {
  if (v !== undefined && !values.includes(v as T)) invalidArgument(name, v, `one of ${values.map((x) => JSON.stringify(x)).join(', ')}`);
  return v as T | undefined;
}

export function checkFunction(v: unknown, name: string, optional = true): void {
  if (v === undefined && optional) return;
  if (typeof v !== 'function') invalidArgument(name, v, 'a function');
}

export function checkSignal(v: unknown, name: string): AbortSignal | undefined {
  if (v === undefined) return undefined;
  if (typeof AbortSignal === 'undefined' || !(v instanceof AbortSignal)) invalidArgument(name, v, 'an AbortSignal');
  return v;
}

/** A point in native pixels. */
export function checkPoint(v: unknown, name: string): void {
  if (!isPlainObject(v)) invalidArgument(name, v, 'an object { x, y }');
  checkNumber(v.x, `${name}.x`);
  checkNumber(v.y, `${name}.y`);
}

/**
 * The shape of a viewer profile (the model's keys and values are checked against its manifest
 * by encodeProfile). A profile string such as "age=25-34" is refused, not taken as the population.
 */
export function checkProfileShape(v: unknown, name: string): void {
  if (v === undefined) return;
  if (typeof v === 'string') {
    invalidArgument(name, v, 'an object { tokens: { key: value } } (turn "key=value" text into tokens with parseProfileString)');
  }
  if (!isPlainObject(v)) invalidArgument(name, v, 'an object { tokens?, embedding? }');
  for (const key of Object.keys(v)) {
    if (key !== 'tokens' && key !== 'embedding') invalidArgument(`${name}.${key}`, v[key], 'absent: a profile has only `tokens` and `embedding`');
  }
  const { tokens, embedding } = v;
  if (tokens !== undefined) {
    if (!isPlainObject(tokens)) invalidArgument(`${name}.tokens`, tokens, 'an object of key: value strings');
    for (const [k, t] of Object.entries(tokens)) if (typeof t !== 'string') invalidArgument(`${name}.tokens.${k}`, t, 'a string');
  }
  if (embedding !== undefined) {
    const isArrayLike =
      Array.isArray(embedding) || (ArrayBuffer.isView(embedding) && !(embedding instanceof DataView) && typeof (embedding as { length?: unknown }).length === 'number');
    if (!isArrayLike) invalidArgument(`${name}.embedding`, embedding, 'an array or typed array of numbers');
  }
}

/** Decoding options: each given field a number in its range (NaN would silently decode no points). */
export function checkDecodeOptions(v: unknown, name: string): DecodeOptions | undefined {
  if (v === undefined) return undefined;
  const o = checkOptions(v, name);
  checkOptionalNumber(o.maxPoints, `${name}.maxPoints`, { min: 0, integer: true, max: 10_000 });
  checkOptionalNumber(o.minMass, `${name}.minMass`, { min: 0, max: 1 });
  checkOptionalNumber(o.persistence, `${name}.persistence`, { min: 0 });
  checkOptionalNumber(o.minDistance, `${name}.minDistance`, { min: 0 });
  checkOptionalNumber(o.proximity, `${name}.proximity`, { above: 0, infinite: true });
  if (o.start !== undefined) checkPoint(o.start, `${name}.start`);
  return o as DecodeOptions;
}

/** Temporal smoothing options: false/undefined, or { timeConstantMs >= 0 }. */
export function checkSmoothingOptions(v: unknown, name: string): void {
  if (v === undefined || v === false) return;
  const o = checkOptions(v, name);
  checkOptionalNumber(o.timeConstantMs, `${name}.timeConstantMs`, { min: 0 });
}

/** A density map as predictions carry it: a grid whose data has width × height finite probabilities. */
export function checkDensityMap(v: unknown, name: string): void {
  if (!isPlainObject(v)) invalidArgument(name, v, 'a DensityMap { width, height, data, x0, y0, cellWidth, cellHeight }');
  const w = checkNumber(v.width, `${name}.width`, { min: 1, integer: true });
  const h = checkNumber(v.height, `${name}.height`, { min: 1, integer: true });
  if (!(v.data instanceof Float32Array) || v.data.length !== w * h) invalidArgument(`${name}.data`, v.data, `a Float32Array of ${w} × ${h} = ${w * h} values`);
  checkNumber(v.x0, `${name}.x0`);
  checkNumber(v.y0, `${name}.y0`);
  checkNumber(v.cellWidth, `${name}.cellWidth`, { above: 0 });
  checkNumber(v.cellHeight, `${name}.cellHeight`, { above: 0 });
}

export function checkFixationPoints(v: unknown, name: string): void {
  if (!Array.isArray(v)) invalidArgument(name, v, 'an array of fixation points { x, y, mass, order }');
  v.forEach((p, i) => {
    checkPoint(p, `${name}[${i}]`);
    checkNumber((p as Record<string, unknown>).mass, `${name}[${i}].mass`, { min: 0, max: 1 });
    checkNumber((p as Record<string, unknown>).order, `${name}[${i}].order`, { min: 0, integer: true });
  });
}

/** A prediction as predict() returns it (frame size, points and density checked). */
export function checkPrediction(v: unknown, name: string): void {
  if (!isPlainObject(v)) invalidArgument(name, v, 'a Prediction (as predict() returns it)');
  checkNumber(v.frameWidth, `${name}.frameWidth`, { above: 0 });
  checkNumber(v.frameHeight, `${name}.frameHeight`, { above: 0 });
  checkFixationPoints(v.points, `${name}.points`);
  checkDensityMap(v.density, `${name}.density`);
}

/** How frame pixels map to canvas pixels. */
export function checkFrameToCanvas(v: unknown, name: string): void {
  if (!isPlainObject(v)) invalidArgument(name, v, 'an object { offsetX, offsetY, scaleX, scaleY }');
  checkNumber(v.offsetX, `${name}.offsetX`);
  checkNumber(v.offsetY, `${name}.offsetY`);
  checkNumber(v.scaleX, `${name}.scaleX`, { above: 0 });
  checkNumber(v.scaleY, `${name}.scaleY`, { above: 0 });
}

/** A 2D canvas context (of a canvas or an OffscreenCanvas), told by what drawing uses. */
export function checkDrawingContext(v: unknown, name: string): void {
  const c = v as Record<string, unknown> | null;
  if (typeof c !== 'object' || c === null || typeof c.fillRect !== 'function' || typeof c.drawImage !== 'function' || typeof c.beginPath !== 'function') {
    invalidArgument(name, v, "a 2D canvas context (canvas.getContext('2d'))");
  }
}
