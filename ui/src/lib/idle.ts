// The automatic lock: after the store's `idle_lock_minutes` without a key,
// a click, a touch or a mouse move in the window, the till locks itself
// (0 minutes: never).

/** The kinds of input that count as someone being at the till. */
const INPUT = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart'] as const;

/** How often the time since the last input is looked at. */
const CHECK_MS = 5_000;

/** Whether `minutes` (0: never) have passed between `last` and `now` (milliseconds). */
export function idleFor(minutes: number, last: number, now: number): boolean {
  return minutes > 0 && now - last >= minutes * 60_000;
}

/**
 * Calls `onidle` whenever no input has come for `minutes()` minutes; the
 * clock starts again after each call. Returns the function that stops it.
 */
export function watchIdle(minutes: () => number, onidle: () => void): () => void {
  let last = Date.now();
  const seen = () => {
    last = Date.now();
  };
  for (const kind of INPUT) window.addEventListener(kind, seen, { capture: true, passive: true });
  const timer = setInterval(() => {
    if (idleFor(minutes(), last, Date.now())) {
      last = Date.now();
      onidle();
    }
  }, CHECK_MS);
  return () => {
    clearInterval(timer);
    for (const kind of INPUT) window.removeEventListener(kind, seen, { capture: true });
  };
}
