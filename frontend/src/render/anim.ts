/**
 * Transitions with an explicit lifecycle: every animation started for a paint is tracked, and
 * {@link Motion.finished} resolves when all of them are done (or were skipped). Under
 * prefers-reduced-motion, or with `instant`, nothing moves and every promise resolves at once.
 */
export class Motion {
  private readonly running = new Set<Animation>();
  /** milliseconds of one step's animations; the speed control sets it */
  duration = 600;
  instant = false;
  /** animations allowed per paint: beyond it the rest of the paint is instant (big bulk steps) */
  budget = 120;
  private started = 0;

  constructor(private readonly reduced: () => boolean = prefersReducedMotion) {}

  get enabled(): boolean {
    return !this.instant && !this.reduced() && this.duration > 0 && this.started < this.budget;
  }

  /** A new paint: the budget starts again. */
  beginPaint(): void {
    this.started = 0;
  }

  /** Runs keyframes on an element; resolves when finished, cancelled or skipped. */
  play(element: Element, keyframes: Keyframe[], options: { delay?: number; duration?: number; easing?: string } = {}): Promise<void> {
    if (!this.enabled || typeof (element as HTMLElement).animate !== 'function') return Promise.resolve();
    this.started++;
    const animation = (element as HTMLElement).animate(keyframes, {
      duration: options.duration ?? this.duration,
      delay: options.delay ?? 0,
      easing: options.easing ?? 'ease-in-out',
      fill: 'backwards',
    });
    this.running.add(animation);
    const done = () => {
      this.running.delete(animation);
    };
    return animation.finished.then(done, done);
  }

  /** All animations of the current paint are over. */
  finished(): Promise<void> {
    return Promise.all([...this.running].map((a) => a.finished.then(() => undefined, () => undefined))).then(() => undefined);
  }

  /** Jumps every running animation to its end (the "skip" of a step). */
  skip(): void {
    for (const a of this.running) a.finish();
    this.running.clear();
  }
}

let reducedQuery: MediaQueryList | null | undefined;
/** The user's motion preference (one MediaQueryList, read live: a bulk paint asks it per animation). */
export function prefersReducedMotion(): boolean {
  if (reducedQuery === undefined) reducedQuery = typeof matchMedia === 'function' ? matchMedia('(prefers-reduced-motion: reduce)') : null;
  return !!reducedQuery && reducedQuery.matches;
}
