import { describe, expect, it } from 'vitest';
import { idleFor } from './idle';

describe('idleFor', () => {
  const minute = 60_000;

  it('locks once the minutes have passed, not before', () => {
    expect(idleFor(5, 0, 5 * minute - 1)).toBe(false);
    expect(idleFor(5, 0, 5 * minute)).toBe(true);
  });

  it('never locks with 0 minutes', () => {
    expect(idleFor(0, 0, 1000 * minute)).toBe(false);
  });
});
