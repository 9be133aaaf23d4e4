import { describe, expect, it } from 'vitest';
import { leadingQty, searchTerm } from './scan';

describe('searchTerm and leadingQty', () => {
  it('searches with the text after a leading quantity', () => {
    expect(searchTerm('3*cof')).toBe('cof');
    expect(searchTerm(' 3 * cof beans ')).toBe('cof beans');
    expect(searchTerm('cofx3')).toBe('cofx3');
    expect(searchTerm('12345*cof')).toBe('12345*cof');
  });

  it('gives the leading quantity, else 1', () => {
    expect(leadingQty('3*cof')).toBe(3);
    expect(leadingQty(' 12 *')).toBe(12);
    expect(leadingQty('cofx3')).toBe(1);
    expect(leadingQty('12345*cof')).toBe(1);
    expect(leadingQty('')).toBe(1);
  });
});
