// Manager approval at the counter, one mechanism for every action: run it;
// when the core refuses it as `forbidden` to the member signed in, the
// approval dialog (App.svelte) asks a manager for their name and PIN and
// the same action runs again with that approval, which its handler passes
// to the core for that one call. The core decides what needs whom and
// records the action with both names; the window only asks.

import { toUiError } from './errors';
import { staff } from './staff.svelte';
import type { Approval, UiError } from './bindings';

/** What the dialog is asked: the refusal to show, and where its answer goes. */
export interface ApprovalRequest {
  refusal: UiError;
  /** Tries the action with this approval; resolves with the refusal (a wrong PIN) to show, or null when done. */
  attempt: (approval: Approval) => Promise<UiError | null>;
  /** Closes the dialog without approval. */
  cancel: () => void;
}

class ApprovalGate {
  /** The open request; the dialog shows while there is one. */
  request = $state<ApprovalRequest | null>(null);
}

export const approvals = new ApprovalGate();

/** Whether a refusal is one a manager's approval may lift: forbidden to a member who is signed in. */
export function needsApproval(e: UiError): boolean {
  return e.code === 'forbidden' && staff.member !== null;
}

/** The answer to an attempt that the dialog keeps open for: a wrong or locked PIN, or an approver who may not either. */
function staysOpen(e: UiError): boolean {
  return e.code === 'bad_pin' || e.code === 'locked' || e.code === 'forbidden';
}

/**
 * Runs `action` without approval; if a manager's is needed, asks for it
 * and runs it again with it. Rejects as `action` does; with the first
 * refusal when the dialog is closed without approval.
 */
export async function withApproval<T>(action: (approval: Approval | null) => Promise<T>): Promise<T> {
  try {
    return await action(null);
  } catch (e) {
    const refusal = toUiError(e);
    if (!needsApproval(refusal)) throw e;
    return await new Promise<T>((resolve, reject) => {
      const done = () => {
        approvals.request = null;
      };
      approvals.request = {
        refusal,
        attempt: async (approval) => {
          try {
            const result = await action(approval);
            done();
            resolve(result);
            return null;
          } catch (err) {
            const refused = toUiError(err);
            if (staysOpen(refused)) return refused;
            // Refused for another reason (the sale changed, the amount
            // was wrong): the screen that asked says so.
            done();
            reject(err);
            return null;
          }
        },
        cancel: () => {
          // Not approved: the screen shows why the action was refused.
          done();
          reject(refusal);
        },
      };
    });
  }
}
