// How many products are at or below their reorder point: the badge on the
// Stock screen's nav button. Read again whenever stock may have moved
// (a sale or refund, a product or its stock changed, a count committed).

import { commands, events } from '../lib/bindings';
import { onBackendEvent } from '../lib/events';

class LowStockCount {
  count = $state(0);
  private started = false;

  async refresh() {
    try {
      this.count = await commands.lowStockCount();
    } catch {
      // Signed out or not allowed: no badge.
      this.count = 0;
    }
  }

  /** Starts listening (once); returns nothing to stop: the nav lives as long as the window. */
  start() {
    if (this.started) return;
    this.started = true;
    void this.refresh();
    const again = () => void this.refresh();
    onBackendEvent(events.ordersChanged, again);
    onBackendEvent(events.catalogChanged, again);
    onBackendEvent(events.pricesChanged, again);
  }
}

export const lowStock = new LowStockCount();
