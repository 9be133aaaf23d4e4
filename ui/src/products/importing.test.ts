import { describe, expect, it } from 'vitest';
import type { ImportReport } from '../lib/bindings';
import { progressShare, progressWords, summary } from './importing';

describe('import progress', () => {
  it('fills the bar by stage', () => {
    expect(progressShare({ stage: 'checking', done: 50, total: 100 }, true)).toBe(0.5);
    expect(progressShare({ stage: 'checking', done: 50, total: 100 }, false)).toBe(0.25);
    expect(progressShare({ stage: 'writing', done: 100, total: 100 }, false)).toBe(1);
    expect(progressShare({ stage: 'writing', done: 0, total: 0 }, false)).toBe(1);
  });

  it('says how far it is', () => {
    expect(progressWords({ stage: 'writing', done: 5000, total: 100000 }, 'en-US')).toBe('Writing 5,000 of 100,000 rows');
  });
});

describe('summary', () => {
  it('counts products and issues', () => {
    const r = {
      created: 3,
      updated: 1,
      unchanged: 12,
      warnings: [{ line: 2, column: null, message: 'w' }],
      errors: [],
    } as unknown as ImportReport;
    expect(summary(r)).toBe('3 new, 1 updated, 12 unchanged; 1 warning, 0 errors');
  });
});
