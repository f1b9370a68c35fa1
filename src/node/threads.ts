/**
 * How the command line spreads its threads over onnxruntime-node: several single-threaded
 * sessions (each on a worker thread) running different images at once, or one session with
 * intra-op threads. This model is small (192x144 input): splitting one inference over threads
 * costs more in synchronisation than it gains, and whole images in parallel keep every core busy,
 * so one single-threaded session per core it is. Measured with bench/cli-throughput.mjs on a
 * 2-core EPYC (README "Command line"): 2 sessions x 1 thread well ahead of 1 x 2 and of 1 x 1.
 */
export function poolLayout(threads: number, override = process.env.GAZECAST_POOL): { sessions: number; intraOpThreads: number } {
  // GAZECAST_POOL=<sessions>x<threads> sets the layout by hand (bench/cli-throughput.mjs compares them)
  const m = override ? /^(\d+)x(\d+)$/.exec(override) : null;
  if (m) return { sessions: Math.max(1, Number(m[1])), intraOpThreads: Math.max(1, Number(m[2])) };
  return { sessions: Math.max(1, threads), intraOpThreads: 1 };
}
