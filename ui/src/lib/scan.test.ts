import { describe, expect, it } from 'vitest';
import { leadingQty, readings, searchTerm } from './scan';

describe('readings', () => {
  it('reads a plain code as one of it', () => {
    expect(readings('COF')).toEqual([{ code: 'COF', qty: 1 }]);
    expect(readings('  4006381333931 ')).toEqual([{ code: '4006381333931', qty: 1 }]);
  });

  it('reads nothing from blank text', () => {
    expect(readings('')).toEqual([]);
    expect(readings('   ')).toEqual([]);
  });

  it('takes Q*SKU as the quantity in front, spaces allowed', () => {
    expect(readings('3*COF')).toEqual([{ code: 'COF', qty: 3 }]);
    expect(readings('12 * COF')).toEqual([{ code: 'COF', qty: 12 }]);
    expect(readings('9999*COF')).toEqual([{ code: 'COF', qty: 9999 }]);
  });

  it('tries SKUxQ literally first: a code may itself end in x and digits', () => {
    expect(readings('COFx3')).toEqual([
      { code: 'COFx3', qty: 1 },
      { code: 'COF', qty: 3 },
    ]);
    expect(readings('COF X 2')).toEqual([
      { code: 'COF X 2', qty: 1 },
      { code: 'COF', qty: 2 },
    ]);
    expect(readings('BOXx3')).toEqual([
      { code: 'BOXx3', qty: 1 },
      { code: 'BOX', qty: 3 },
    ]);
  });

  it('takes more than four digits of quantity for a code, not a quantity', () => {
    expect(readings('12345*COF')).toEqual([{ code: '12345*COF', qty: 1 }]);
    expect(readings('COFx12345')).toEqual([{ code: 'COFx12345', qty: 1 }]);
  });

  it('does not read signs or decimals as a quantity', () => {
    expect(readings('-2*COF')).toEqual([{ code: '-2*COF', qty: 1 }]);
    expect(readings('1.5*COF')).toEqual([{ code: '1.5*COF', qty: 1 }]);
    expect(readings('COFx1.5')).toEqual([{ code: 'COFx1.5', qty: 1 }]);
  });

  it('needs a code beside the quantity', () => {
    expect(readings('3*')).toEqual([{ code: '3*', qty: 1 }]);
    expect(readings('x3')).toEqual([{ code: 'x3', qty: 1 }]);
  });

  it('keeps a code with spaces whole', () => {
    expect(readings('3*COF BEANS')).toEqual([{ code: '3*COF BEANS', qty: 1 }]);
  });
});

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
