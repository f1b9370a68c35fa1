/** Synthetic model outputs with known modes, for decode tests. */
export interface Blob {
  /** centre in model-input pixels */
  readonly x: number;
  readonly y: number;
  /** standard deviation in input pixels */
  readonly sigma: number;
  readonly weight: number;
}

/**
 * A log_density on an outW x outH grid over an inW x inH input: the log of a Gaussian mixture
 * sampled at cell centres, plus a uniform share `floor` of the mass, normalised so
 * logsumexp == 0 (as the contract requires).
 */
export function syntheticLogDensity(blobs: readonly Blob[], outW: number, outH: number, inW: number, inH: number, floor = 0): Float32Array {
  const cw = inW / outW, ch = inH / outH;
  const logs = new Float64Array(outW * outH);
  for (let i = 0; i < outH; i++) {
    for (let j = 0; j < outW; j++) {
      const x = (j + 0.5) * cw, y = (i + 0.5) * ch;
      // log-sum-exp of the components for precision far from every centre
      const terms = blobs.map(
        (b) => Math.log(b.weight / (2 * Math.PI * b.sigma * b.sigma)) - ((x - b.x) ** 2 + (y - b.y) ** 2) / (2 * b.sigma * b.sigma),
      );
      if (floor > 0) terms.push(Math.log(floor / (inW * inH)));
      const m = Math.max(...terms);
      logs[i * outW + j] = m + Math.log(terms.reduce((s, t) => s + Math.exp(t - m), 0));
    }
  }
  const m = Math.max(...logs);
  const lse = m + Math.log(logs.reduce((s, v) => s + Math.exp(v - m), 0));
  return Float32Array.from(logs, (v) => v - lse);
}
