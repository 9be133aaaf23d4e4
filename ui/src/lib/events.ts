// Listening to the backend's events (their types are generated in
// bindings.ts, see `events` there) from components and stores.

import type { EventCallback, UnlistenFn } from '@tauri-apps/api/event';
import { events, type ImportProgress, type MiningProgress, type QueueStatus } from './bindings';

/** One of the generated `events`, e.g. `events.pricesChanged`. */
interface BackendEvent<T> {
  listen(cb: EventCallback<T>): Promise<UnlistenFn>;
}

/**
 * Calls `handler` whenever the backend emits `event`; returns the function
 * that stops listening. Safe to call from an $effect: stopping before the
 * subscription has resolved still unsubscribes. Outside the Tauri window
 * (plain `vite dev` in a browser) there are no events, and nothing happens.
 *
 * `events.pricesChanged`: a flash sale started or ended, stock moved, rules
 * or sales changed, or another process changed the store.
 * `events.referralsChanged`: a payout was made or commissions were approved.
 */
export function onBackendEvent<T>(event: BackendEvent<T>, handler: () => void): () => void {
  return subscribe(event, () => handler());
}

/** Calls `handler` with each `mining-progress` event; returns the function that stops listening. */
export function onMiningProgress(handler: (progress: MiningProgress) => void): () => void {
  return subscribe(events.miningProgress, handler);
}

/** Calls `handler` with each `queue-changed` event (the print and email queues' counts). */
export function onQueueChanged(handler: (status: QueueStatus) => void): () => void {
  return subscribe(events.queueChanged, handler);
}

function subscribe<T>(event: BackendEvent<T>, handler: (payload: T) => void): () => void {
  let stopped = false;
  let unlisten: UnlistenFn | undefined;
  event
    .listen((e) => handler(e.payload))
    .then((fn) => {
      if (stopped) fn();
      else unlisten = fn;
    })
    .catch(() => {
      // No Tauri runtime: lists just will not refresh by themselves.
    });
  return () => {
    stopped = true;
    unlisten?.();
  };
}

/** Calls `handler` with each `catalog-import-progress` event; returns the function that stops listening. */
export function onImportProgress(handler: (progress: ImportProgress) => void): () => void {
  return subscribe(events.catalogImportProgress, handler);
}
