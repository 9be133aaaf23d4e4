// The mining run ("Learn from baskets"): the form as typed, the run in
// progress and what the last one found. It lives outside the components so
// that a look at another screen and back neither loses the results nor
// forgets a run still going: mining takes seconds on a worker thread and
// the rest of the app stays usable meanwhile.

import { commands } from '../lib/bindings';
import { toUiError } from '../lib/errors';
import type { MineForm, MineOutcome, MiningProgress, Suggestion, UiError } from '../lib/bindings';

export type MineSource = 'orders' | 'file';

/** What the form holds, as typed. */
export interface MineFormState {
  source: MineSource;
  /** '' (by the file's extension), 'fimi' or 'csv'. */
  format: string;
  minSupport: string;
  minConfidence: string;
  /** Blank: no limit. */
  maxLen: string;
}

export class MiningRun {
  form = $state<MineFormState>({
    source: 'orders',
    format: '',
    minSupport: '0.01',
    minConfidence: '0.2',
    maxLen: '3',
  });

  running = $state(false);
  /** Set once Cancel was pressed, until the run stops. */
  cancelling = $state(false);
  /** The stage the backend last reported, e.g. "finding itemsets". */
  stage = $state('');
  /** Of the whole run, 0 to 1. */
  fraction = $state(0);

  /** The last run that finished. */
  outcome = $state<MineOutcome | null>(null);
  /** Its suggestions still waiting for Approve or Dismiss. */
  suggestions = $state<Suggestion[]>([]);
  /** The last run was cancelled (not an error). */
  cancelled = $state(false);
  error = $state<UiError | null>(null);

  #run = 0;

  /** The form as `bundles_mine` takes it. */
  input(): MineForm {
    const f = this.form;
    const file = f.source === 'file';
    return {
      from_file: file,
      format: file && f.format !== '' ? f.format : null,
      min_support: f.minSupport.trim(),
      min_confidence: f.minConfidence.trim(),
      max_len: f.maxLen.trim() || null,
    };
  }

  async start(): Promise<void> {
    if (this.running) return;
    const run = ++this.#run;
    this.running = true;
    this.cancelling = false;
    this.stage = 'starting';
    this.fraction = 0;
    this.outcome = null;
    this.suggestions = [];
    this.cancelled = false;
    this.error = null;
    try {
      const outcome = await commands.bundlesMine(this.input());
      if (run !== this.#run) return;
      this.outcome = outcome;
      this.suggestions = outcome.suggestions;
    } catch (e) {
      if (run !== this.#run) return;
      const err = toUiError(e);
      if (err.code === 'cancelled') this.cancelled = true;
      else this.error = err;
    } finally {
      if (run === this.#run) {
        this.running = false;
        this.cancelling = false;
      }
    }
  }

  async cancel(): Promise<void> {
    if (!this.running || this.cancelling) return;
    this.cancelling = true;
    try {
      await commands.bundlesMineCancel();
    } catch (e) {
      this.cancelling = false;
      this.error = toUiError(e);
    }
  }

  /** A `mining-progress` event. */
  progress(p: MiningProgress): void {
    if (!this.running) return;
    this.stage = p.stage;
    this.fraction = Math.min(1, Math.max(0, p.fraction ?? 0));
  }

  /** After Approve or Dismiss: the row goes. */
  removeSuggestion(key: string): void {
    this.suggestions = this.suggestions.filter((s) => s.key !== key);
  }
}

export const mining = new MiningRun();
