// Pure helpers of the import dialog: the progress bar's share and its
// words, and the one-line summary of a report.

import type { ImportProgress, ImportReport } from '../lib/bindings';

/** The bar's fill, 0 to 1: checking is the first half of an import, writing the second (a dry run only checks). */
export function progressShare(p: ImportProgress, dryRun: boolean): number {
  const part = p.total === 0 ? 1 : Math.min(1, p.done / p.total);
  if (dryRun) return part;
  return p.stage === 'checking' ? part / 2 : 0.5 + part / 2;
}

/** "Checking 5,000 of 100,000 rows". */
export function progressWords(p: ImportProgress, locale?: string): string {
  const n = (v: number) => v.toLocaleString(locale);
  const stage = p.stage === 'checking' ? 'Checking' : 'Writing';
  return `${stage} ${n(p.done)} of ${n(p.total)} rows`;
}

/** "3 new, 1 updated, 12 unchanged; 2 warnings, 1 error". */
export function summary(r: ImportReport): string {
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return (
    `${r.created} new, ${r.updated} updated, ${r.unchanged} unchanged; ` +
    `${plural(r.warnings.length, 'warning', 'warnings')}, ${plural(r.errors.length, 'error', 'errors')}`
  );
}
