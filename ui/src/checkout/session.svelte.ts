// The sale at the counter: the open cart, or the receipt of the sale just
// completed. It lives outside the components so that a look at Products or
// Orders (F2/F3) and back does not lose the receipt on screen.
//
// Cart changes go through one queue: a fast scanner can fire several adds
// before the first answer arrives, and every answer is the whole cart, so
// they must be applied in the order they were sent.
//
// What a cashier may not do alone (a price override, a discount above the
// store's threshold) runs through `withApproval`: refused, it asks for a
// manager's PIN and runs again with it, still in its place in the queue.

import { commands } from '../lib/bindings';
import { withApproval } from '../lib/approval.svelte';
import { toUiError } from '../lib/errors';
import type { Cart, Receipt, ReceiptChoice, TenderForm, UiError } from '../lib/bindings';

export class CheckoutSession {
  /** The open cart; null until `start` has loaded it. */
  cart = $state<Cart | null>(null);
  /** Set once a sale is completed, until "New sale". */
  receipt = $state<Receipt | null>(null);
  /** The last failed cart action, shown under the scan box. */
  error = $state<UiError | null>(null);
  /** Whether the pay dialog is open. */
  paying = $state(false);

  #queue: Promise<unknown> = Promise.resolve();

  /**
   * Runs cart changes one after another. Resolves true when `action` gave a
   * new cart, false when it failed (the error is then in `error`).
   */
  #change(action: (cart: Cart) => Promise<Cart>): Promise<boolean> {
    const run = async () => {
      const cart = this.cart;
      if (!cart) return false;
      try {
        this.cart = await action(cart);
        this.error = null;
        return true;
      } catch (e) {
        this.error = toUiError(e);
        return false;
      }
    };
    const next = this.#queue.then(run);
    this.#queue = next;
    return next;
  }

  /**
   * Like `#change`, for the fields that show their own errors (customer,
   * referral code): resolves with the refusal, or null when the cart took
   * the change, and leaves `error` alone.
   */
  #attempt(action: (cart: Cart) => Promise<Cart>): Promise<UiError | null> {
    const run = async (): Promise<UiError | null> => {
      const cart = this.cart;
      if (!cart) return { code: 'internal', message: 'No open sale.' };
      try {
        this.cart = await action(cart);
        return null;
      } catch (e) {
        return toUiError(e);
      }
    };
    const next = this.#queue.then(run);
    this.#queue = next;
    return next;
  }

  /** Loads the open cart (restoring one left open by a crash) or starts one. */
  async start(): Promise<void> {
    try {
      this.cart = await commands.cartCurrent();
      this.receipt = null;
      this.error = null;
    } catch (e) {
      this.error = toUiError(e);
    }
  }

  /**
   * Adds what was typed or scanned: "SKU", a barcode, "3*SKU" or "SKUx3".
   * The core reads it (README, "Items"), as it reads `till sale --item`.
   */
  add(text: string): Promise<boolean> {
    return this.#change(async (cart) => {
      if (text.trim() === '') throw { code: 'invalid_input', message: 'Type or scan a SKU or barcode.' };
      return await withApproval((approval) => commands.cartAdd(cart.id, text, null, approval));
    });
  }

  /** Adds a product picked from the suggestions, by its exact SKU. */
  addSku(sku: string, qty: number): Promise<boolean> {
    return this.#change((cart) => withApproval((approval) => commands.cartAdd(cart.id, sku, qty, approval)));
  }

  /**
   * One more (+1) or one less (-1) of a line; below 1 removes it. Worked
   * out against the cart as it is when the change runs, not as it was
   * drawn: two quick clicks on + must make two more, even if the second
   * comes before the first answer.
   */
  step(lineId: number, delta: number): Promise<boolean> {
    return this.#change((cart) => {
      const line = cart.lines.find((l) => l.id === lineId);
      if (!line) throw { code: 'not_found', message: 'That line is no longer in the cart.' } satisfies UiError;
      const qty = line.qty + delta;
      return qty < 1 ? commands.cartRemove(cart.id, lineId) : commands.cartSetQty(cart.id, lineId, qty);
    });
  }

  remove(lineId: number): Promise<boolean> {
    return this.#change((cart) => commands.cartRemove(cart.id, lineId));
  }

  /** "10%" or "2.00"; blank clears the discount. */
  lineDiscount(lineId: number, text: string): Promise<boolean> {
    return this.#change((cart) =>
      withApproval((approval) => commands.cartLineDiscount(cart.id, lineId, text.trim() || null, approval)),
    );
  }

  /** "10%" or "2.00"; blank clears the discount. */
  orderDiscount(text: string): Promise<boolean> {
    return this.#change((cart) =>
      withApproval((approval) => commands.cartOrderDiscount(cart.id, text.trim() || null, approval)),
    );
  }

  /** The customer the sale is for; null: nobody in particular. */
  setCustomer(customerId: string | null): Promise<UiError | null> {
    return this.#attempt((cart) => commands.cartSetCustomer(cart.id, customerId));
  }

  /**
   * The referral code the customer gave; null clears it. The core checks
   * it at once and refuses an unusable one with a message for the cashier;
   * the sale goes on without it.
   */
  setReferral(code: string | null): Promise<UiError | null> {
    return this.#attempt((cart) => commands.cartSetReferral(cart.id, code?.trim() || null));
  }

  /** Voids the sale; the backend hands back a fresh cart. */
  void(): Promise<boolean> {
    return this.#change((cart) => withApproval((approval) => commands.cartVoid(cart.id, approval)));
  }

  /**
   * Completes the sale. Errors are thrown for the pay dialog to show, not
   * put in `error`. Waits for queued cart changes, so the sale charged is
   * the one on screen.
   */
  async complete(tenders: TenderForm[], receipt: ReceiptChoice = { kind: 'auto' }): Promise<Receipt> {
    await this.#queue;
    const cart = this.cart;
    if (!cart) throw { code: 'internal', message: 'No open sale.' } satisfies UiError;
    const done = await withApproval((approval) => commands.cartComplete(cart.id, tenders, receipt, approval));
    this.receipt = done;
    this.paying = false;
    return done;
  }

  /** After a receipt: the completed cart is closed, so this opens a new one. */
  newSale(): Promise<void> {
    return this.start();
  }
}

export const session = new CheckoutSession();
