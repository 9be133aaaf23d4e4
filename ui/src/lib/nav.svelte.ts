// Which screen the window shows, and an order another screen asked the
// Orders screen to open (a receipt scanned at the checkout). Kept outside
// the components so any screen can send the window elsewhere.

import type { Screen } from './screens';

class Navigation {
  screen = $state<Screen>('checkout');
  /** The id of an order the Orders screen opens when it next shows. */
  openOrder = $state<string | null>(null);

  /** Opens the Orders screen on the order with this id. */
  showOrder(id: string) {
    this.openOrder = id;
    this.screen = 'orders';
  }

  /** The order asked for, once: the Orders screen takes it. */
  takeOrder(): string | null {
    const id = this.openOrder;
    this.openOrder = null;
    return id;
  }
}

export const nav = new Navigation();
