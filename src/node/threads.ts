/**
 * How the command line spreads its threads over onnxruntime-node: several single-threaded
 * sessions running different images at once, or fewer sessions with intra-op threads. This model
 * is small (192x144 input): splitting one inference over threads costs more in synchronisation
 * than it gains, so one session per thread is faster (measured: see README "Command line").
 */
export function poolLayout(threads: number): { sessions: number; intraOpThreads: number } {
  return { sessions: Math.max(1, threads), intraOpThreads: 1 };
}
