/** Estimated time left for a long job from its progress so far (linear extrapolation: the runs of a sweep or a
 *  grid cost about the same each, and a sampler's submissions are equal slices of its evaluations). */
export class ProgressClock {
  private readonly start: number;

  constructor(now = performance.now()) {
    this.start = now;
  }

  /** Seconds left, or undefined until there is progress to extrapolate from. */
  secondsLeft(fraction: number, now = performance.now()): number | undefined {
    if (!(fraction > 0)) return undefined;
    return ((now - this.start) / 1000) * ((1 - Math.min(1, fraction)) / fraction);
  }

  elapsedMs(now = performance.now()): number {
    return now - this.start;
  }
}

/** "about 5 s", "about 2 min 10 s". */
export function formatSecondsLeft(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return 'estimating…';
  const s = Math.max(1, Math.round(seconds));
  return s < 60 ? `about ${s} s left` : `about ${Math.floor(s / 60)} min ${s % 60} s left`;
}
