// The sync status, shared by the status bar and the Sync screen. The status
// bar polls it (every 3 s) for as long as the window is open; every sync
// action hands over the status it got back and asks for a fresh one at once.
// A failing poll never throws: it only sets `error`, and the last status
// that was read stays.

import { commands, events } from './bindings';
import { toUiError } from './errors';
import { onBackendEvent } from './events';
import type { SyncState, SyncStatus, UiError } from './bindings';

export interface SyncIndicator {
  /** Its `data-state`: the core's, or `off` while the status cannot be read. */
  state: SyncState;
  text: string;
  /** "2 need attention", or null. */
  attention: string | null;
  /** Longer wording, for the tooltip. */
  title: string;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** What the status bar says about syncing (the core decides the state). */
export function syncIndicator(status: SyncStatus | null, error: UiError | null): SyncIndicator {
  if (error) {
    return { state: 'off', text: 'Sync status unavailable', attention: null, title: error.message };
  }
  if (!status) {
    return { state: 'off', text: 'Checking sync…', attention: null, title: 'Reading the sync status' };
  }
  const attention = status.dead > 0 ? `${status.dead} ${status.dead === 1 ? 'needs' : 'need'} attention` : null;
  const tail = attention ? ` ${plural(status.dead, 'event was', 'events were')} rejected by the upstream.` : '';
  const state = status.state;
  switch (state) {
    case 'off':
      return { state, text: 'Sync not set up', attention, title: `Open Sync (F5) to connect this till.${tail}` };
    case 'refused':
      return {
        state,
        text: 'Sync stopped: token refused',
        attention,
        title: `The upstream refused this device's token; open Sync (F5) to log in again.${tail}`,
      };
    case 'offline':
      return {
        state,
        text: status.pending > 0 ? `Offline · ${status.pending} waiting` : 'Offline',
        attention,
        title: `${status.endpoint} cannot be reached${status.last_error ? `: ${status.last_error}` : ''}.${tail}`,
      };
    case 'syncing':
      return {
        state,
        text: `Syncing · ${status.pending} to send`,
        attention,
        title: `Sending to ${status.endpoint}.${tail}`,
      };
    case 'synced':
      return {
        state,
        text: 'Synced',
        attention,
        // Not connected: set up but never tried (the task only calls the
        // upstream when there is something to send), and nothing waits.
        title: status.connected
          ? `Everything is sent to ${status.endpoint}.${tail}`
          : `Nothing to send to ${status.endpoint}.${tail}`,
      };
  }
}

class SyncMonitor {
  status = $state<SyncStatus | null>(null);
  error = $state<UiError | null>(null);

  /** Only the newest request may set the status. */
  #seq = 0;

  /** Reads the status now; never rejects. */
  async refresh(): Promise<void> {
    const seq = ++this.#seq;
    try {
      const s = await commands.syncStatus();
      if (seq !== this.#seq) return;
      this.status = s;
      this.error = null;
    } catch (e) {
      if (seq === this.#seq) this.error = toUiError(e);
    }
  }

  /** Takes the status an action returned, then reads it again. */
  accept(s: SyncStatus): void {
    this.#seq++;
    this.status = s;
    this.error = null;
    void this.refresh();
  }

  /**
   * Polls every `intervalMs` (the next poll starts once the last one is
   * done, so slow answers never pile up) and after each sale or refund;
   * returns the function that stops.
   */
  start(intervalMs = 3000): () => void {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      await this.refresh();
      if (!stopped) timer = setTimeout(tick, intervalMs);
    };
    void tick();
    const stopOrders = onBackendEvent(events.ordersChanged, () => void this.refresh());
    const stopCatalog = onBackendEvent(events.catalogChanged, () => void this.refresh());
    return () => {
      stopped = true;
      clearTimeout(timer);
      stopOrders();
      stopCatalog();
    };
  }
}

export const syncMonitor = new SyncMonitor();
