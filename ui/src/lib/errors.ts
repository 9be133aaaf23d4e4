// What a failed command gives the window. The generated commands reject
// with a `UiError` ({code, message}) when the handler failed, or with a
// bare string when Tauri refused the call; screens show `message` either way.

import type { UiError } from './bindings';

function isUiError(e: unknown): e is UiError {
  return typeof e === 'object' && e !== null && typeof (e as UiError).message === 'string';
}

/** Turns anything a rejected command may carry into a `UiError`. */
export function toUiError(e: unknown): UiError {
  if (isUiError(e)) return { code: typeof e.code === 'string' ? e.code : 'internal', message: e.message };
  if (typeof e === 'string') return { code: 'internal', message: e };
  return { code: 'internal', message: String(e) };
}
