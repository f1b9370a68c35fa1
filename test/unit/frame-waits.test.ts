/**
 * Issue 17, every wait bounded with an abort path: an analysis whose next frame never comes (a
 * decoder or a range request that stopped answering) ends with media-timeout after its bound, and
 * at once with aborted when the caller aborts; the frame source is ended either way.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { boundedWait, FRAME_TIMEOUT_MS, processInOrder, type SampledFrame } from '../../src/client/frame-sampler';
import { GazecastError } from '../../src/core/errors';

/** A frame source that yields one frame and then hangs; records whether it was ended. */
function hangingFrames(): { frames: AsyncIterable<SampledFrame>; ended: () => boolean } {
  let ended = false;
  const frame = { close: () => undefined } as unknown as ImageBitmap;
  const iterator: AsyncIterator<SampledFrame> = {
    async next() {
      if (ended) return { done: true, value: undefined };
      if (!(iterator as { first?: boolean }).first) {
        (iterator as { first?: boolean }).first = true;
        return { done: false, value: { captured: { frame, width: 10, height: 10 }, seconds: 0 } };
      }
      return new Promise(() => {}); // never answers
    },
    async return() {
      ended = true;
      return { done: true, value: undefined };
    },
  };
  return { frames: { [Symbol.asyncIterator]: () => iterator }, ended: () => ended };
}

async function failure(p: Promise<unknown>): Promise<GazecastError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(GazecastError);
  return e as GazecastError;
}

afterEach(() => vi.useRealTimers());

describe('analysis frames are waited for with a bound', () => {
  it('a frame that never comes is media-timeout after FRAME_TIMEOUT_MS', async () => {
    vi.useFakeTimers();
    const { frames, ended } = hangingFrames();
    const processed: number[] = [];
    const run = failure(processInOrder(frames, async (_c, s) => void processed.push(s), undefined));
    await vi.advanceTimersByTimeAsync(FRAME_TIMEOUT_MS + 10);
    const e = await run;
    expect(e.code).toBe('media-timeout');
    expect(e.message).toContain('next frame');
    expect(processed).toEqual([0]);
    expect(ended()).toBe(true);
  });

  it('an abort while waiting for a frame ends the analysis at once', async () => {
    const { frames, ended } = hangingFrames();
    const controller = new AbortController();
    const run = failure(processInOrder(frames, async () => 1, controller.signal));
    setTimeout(() => controller.abort(), 20);
    const t0 = Date.now();
    const e = await run;
    expect(e.code).toBe('aborted');
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(ended()).toBe(true);
  });

  it("boundedWait passes a coded abort reason on (close() stops an analysis with 'closed')", async () => {
    const controller = new AbortController();
    controller.abort(new GazecastError('closed', 'The predictor was closed.'));
    expect((await failure(boundedWait(new Promise(() => {}), controller.signal, 1000, 'x'))).code).toBe('closed');
  });
});
