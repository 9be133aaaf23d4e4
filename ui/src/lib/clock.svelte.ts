// One shared wall clock for the countdowns. Reading `clock.now` inside a
// template, $derived or $effect subscribes to it: it then ticks once a
// second, just after each second boundary (so every countdown on screen
// changes together), and stops when nothing reads it any more.

import { createSubscriber } from 'svelte/reactivity';

class Clock {
  #subscribe = createSubscriber((update) => {
    let timer: ReturnType<typeof setTimeout>;
    const schedule = () => {
      // A few ms past the boundary: sale windows start and end on whole
      // seconds, so a countdown never shows a second twice.
      timer = setTimeout(() => {
        update();
        schedule();
      }, 1005 - (Date.now() % 1000));
    };
    schedule();
    return () => clearTimeout(timer);
  });

  /** Milliseconds since the epoch, as `Date.now()`; reactive (see above). */
  get now(): number {
    this.#subscribe();
    return Date.now();
  }
}

export const clock = new Clock();
