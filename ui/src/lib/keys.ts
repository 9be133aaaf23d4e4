// Keyboard helpers shared by the forms.

/** A keydown handler for a form: Escape (from any field, as keydown
 *  bubbles) closes it through `cancel`. */
export function escapeCloses(cancel: () => void) {
  return (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      cancel();
    }
  };
}
