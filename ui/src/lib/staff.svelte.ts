// Who is at the till. On a store with staff the window opens locked and
// every command waits for someone to sign in with their PIN; in
// single-owner mode (no staff) there is no lock screen at all. The core
// keeps the member signed in on the window's connection and refuses
// everything else; this only mirrors it, so the window knows what to show.

import { commands } from './bindings';
import { toUiError } from './errors';
import type { Member, UiError } from './bindings';

class StaffState {
  /** False until the backend has said whether the store has staff. */
  loaded = $state(false);
  /** False: single-owner mode. */
  hasStaff = $state(false);
  /** Who is signed in; null while locked (or in single-owner mode). */
  member = $state<Member | null>(null);
  /** The name the lock screen offers first: who locked it ("Lock"), none after "Switch user". */
  lastName = $state<string | null>(null);
  /** Why the window could not tell (shown on the lock screen). */
  error = $state<UiError | null>(null);

  /** Whether the lock screen shows. */
  get locked(): boolean {
    return this.loaded && this.hasStaff && this.member === null;
  }

  /** Asks the backend: at start, and after the staff list changed (the first member makes the store one with staff). */
  async load(): Promise<void> {
    try {
      const s = await commands.staffSession();
      this.hasStaff = s.has_staff;
      this.member = s.member;
      this.error = null;
    } catch (e) {
      this.error = toUiError(e);
    } finally {
      this.loaded = true;
    }
  }

  signedIn(member: Member) {
    this.member = member;
    this.lastName = member.name;
    this.error = null;
  }

  /**
   * Locks the window. `keepName`: the lock screen offers the same member
   * again (Lock, or the idle lock); otherwise it asks who it is (Switch user).
   */
  async lock(keepName: boolean): Promise<void> {
    this.lastName = keepName ? (this.member?.name ?? this.lastName) : null;
    // Locked on screen at once, whatever the backend answers: the only way
    // on is signing in again, which replaces whoever it still had.
    this.member = null;
    try {
      await commands.signOut();
    } catch (e) {
      this.error = toUiError(e);
    }
  }
}

export const staff = new StaffState();

/** "cashier" -> "Cashier". */
export function roleLabel(role: string): string {
  return role.charAt(0).toUpperCase() + role.slice(1);
}
