import { describe, expect, it } from 'vitest';
import {
  cmp,
  decToString,
  multiplierLabel,
  parseDec,
  percentChangeToMultiplier,
  percentOffToMultiplier,
  sameNumber,
  shift,
  signOf,
  sub,
} from './decimal';

describe('parseDec', () => {
  it('reads plain numbers as digits and a scale', () => {
    expect(parseDec('12')).toEqual({ n: 12n, scale: 0 });
    expect(parseDec('12.50')).toEqual({ n: 1250n, scale: 2 });
    expect(parseDec('-0.75')).toEqual({ n: -75n, scale: 2 });
    expect(parseDec('+3')).toEqual({ n: 3n, scale: 0 });
  });

  it('takes a bare leading or trailing point', () => {
    expect(parseDec('.5')).toEqual({ n: 5n, scale: 1 });
    expect(parseDec('1.')).toEqual({ n: 1n, scale: 0 });
    expect(parseDec('-.5')).toEqual({ n: -5n, scale: 1 });
  });

  it('ignores surrounding whitespace only', () => {
    expect(parseDec('  7.25\t')).toEqual({ n: 725n, scale: 2 });
    expect(parseDec('7 .25')).toBeNull();
    expect(parseDec('- 7')).toBeNull();
  });

  it('keeps every decimal exactly, beyond what a JS number holds', () => {
    expect(parseDec('0.1234567890123456789')).toEqual({ n: 1234567890123456789n, scale: 19 });
    expect(decToString(parseDec('12345678901234567890.01')!)).toBe('12345678901234567890.01');
  });

  it('refuses thousands separators, exponents and other non-plain text', () => {
    for (const text of ['1,000', '1 000', "1'000", '1,5', '1e3', '0x10', 'NaN', 'Infinity', '--1', '+-1', '1.2.3', 'abc', '12abc']) {
      expect(parseDec(text), text).toBeNull();
    }
  });

  it('refuses text with no digits', () => {
    for (const text of ['', '   ', '.', '-', '+', '-.']) {
      expect(parseDec(text), JSON.stringify(text)).toBeNull();
    }
  });
});

describe('arithmetic', () => {
  const d = (t: string) => parseDec(t)!;

  it('subtracts and compares at the larger scale', () => {
    expect(decToString(sub(d('0.3'), d('0.1')))).toBe('0.2');
    expect(decToString(sub(d('1'), d('0.75')))).toBe('0.25');
    expect(cmp(d('50.00'), d('50'))).toBe(0);
    expect(cmp(d('-0.01'), d('0'))).toBe(-1);
    expect(cmp(d('10.5'), d('10.49'))).toBe(1);
  });

  it('shifts by powers of ten exactly', () => {
    expect(decToString(shift(d('0.75'), 2))).toBe('75');
    expect(decToString(shift(d('12.5'), -2))).toBe('0.125');
    expect(decToString(shift(d('3'), 3))).toBe('3000');
  });

  it('writes numbers without trailing zeros and without a negative zero', () => {
    expect(decToString(d('0.7500'))).toBe('0.75');
    expect(decToString(d('15.0'))).toBe('15');
    expect(decToString(d('-0.00'))).toBe('0');
    expect(decToString(d('-0.05'))).toBe('-0.05');
  });
});

describe('sameNumber and signOf', () => {
  it('compares the numbers, not the text', () => {
    expect(sameNumber('50.00', '50')).toBe(true);
    expect(sameNumber(' 1.5 ', '1.50')).toBe(true);
    expect(sameNumber('1.5', '1.51')).toBe(false);
  });

  it('falls back to the text when either side is not a number', () => {
    expect(sameNumber('n/a', 'n/a')).toBe(true);
    expect(sameNumber('1,5', '1.5')).toBe(false);
  });

  it('gives the sign, and 0 for text that is not a number', () => {
    expect(signOf('-0.01')).toBe(-1);
    expect(signOf('-0.00')).toBe(0);
    expect(signOf('12')).toBe(1);
    expect(signOf('1,000')).toBe(0);
  });
});

describe('multipliers and percents', () => {
  it('shows a multiplier as a percent change', () => {
    expect(multiplierLabel('0.75')).toBe('-25%');
    expect(multiplierLabel('1.15')).toBe('+15%');
    expect(multiplierLabel('0.875', '−')).toBe('−12.5%');
    expect(multiplierLabel('1')).toBe('+0%');
    expect(multiplierLabel('abc')).toBe('×abc');
  });

  it('turns percent off into a multiplier strictly between 0 and 100', () => {
    expect(percentOffToMultiplier('25')).toBe('0.75');
    expect(percentOffToMultiplier(' 12.5% ')).toBe('0.875');
    expect(percentOffToMultiplier('0')).toBeNull();
    expect(percentOffToMultiplier('100')).toBeNull();
    expect(percentOffToMultiplier('-5')).toBeNull();
    expect(percentOffToMultiplier('1,5')).toBeNull();
  });

  it('turns a signed percent change into a multiplier above 0', () => {
    expect(percentChangeToMultiplier('+15%')).toBe('1.15');
    expect(percentChangeToMultiplier('15%')).toBe('1.15');
    expect(percentChangeToMultiplier('-30%')).toBe('0.7');
    expect(percentChangeToMultiplier('−30%')).toBe('0.7');
    expect(percentChangeToMultiplier('-100%')).toBeNull();
    expect(percentChangeToMultiplier('15')).toBeNull();
    expect(percentChangeToMultiplier('1e1%')).toBeNull();
  });
});
