import type { UiError } from './bindings';
import { toUiError } from './errors';

/**
 * A panel's one action at a time: `busy` while it runs, then the sentence it
 * returned (`said`, none for null) or the error it failed with. A second action while one
 * runs is ignored, so a double click does not send twice.
 */
export class PanelAction {
  busy = $state(false);
  error = $state<UiError | null>(null);
  said = $state<string | null>(null);

  async run(action: () => Promise<string | null>): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.error = null;
    this.said = null;
    try {
      this.said = await action();
    } catch (e) {
      this.error = toUiError(e);
    } finally {
      this.busy = false;
    }
  }
}
