// One report on the screen: its latest answer or error. Each is asked for
// on its own, so the screen's reports load side by side and one that is
// refused (the plan, say) leaves the others showing. The last answer stays
// while the next loads, so a chart is updated in place, never blanked.

import { toUiError } from '../lib/errors';
import type { UiError } from '../lib/bindings';

export class Slot<T> {
  data = $state<T | null>(null);
  error = $state<UiError | null>(null);
  loading = $state(false);
  // Answers to older requests arrive late sometimes; only the latest counts.
  #seq = 0;

  async load(run: () => Promise<T>): Promise<void> {
    const mine = ++this.#seq;
    this.loading = true;
    try {
      const data = await run();
      if (mine !== this.#seq) return;
      this.data = data;
      this.error = null;
    } catch (e) {
      if (mine !== this.#seq) return;
      this.data = null;
      this.error = toUiError(e);
    } finally {
      if (mine === this.#seq) this.loading = false;
    }
  }

  /** Not asked for now (and any answer on its way is dropped). */
  clear() {
    this.#seq++;
    this.data = null;
    this.error = null;
    this.loading = false;
  }
}
