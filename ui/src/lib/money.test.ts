import { describe, expect, it } from 'vitest';
import { fromMinor, isZero, padMinor, roundUpTo, scaleOf, toMinor, wholeUnits } from './money';

describe('toMinor', () => {
  it('reads amounts into minor units', () => {
    expect(toMinor('12', 2)).toBe(1200n);
    expect(toMinor('12.5', 2)).toBe(1250n);
    expect(toMinor('12.50', 2)).toBe(1250n);
    expect(toMinor('0.01', 2)).toBe(1n);
    expect(toMinor('1200', 0)).toBe(1200n);
    expect(toMinor('1.234', 3)).toBe(1234n);
  });

  it('reads negative amounts', () => {
    expect(toMinor('-0.05', 2)).toBe(-5n);
    expect(toMinor('-12', 2)).toBe(-1200n);
    expect(toMinor('-.5', 2)).toBe(-50n);
  });

  it('takes a bare point at either end and surrounding whitespace', () => {
    expect(toMinor('1.', 2)).toBe(100n);
    expect(toMinor('.5', 2)).toBe(50n);
    expect(toMinor('  20.00 ', 2)).toBe(2000n);
  });

  it('refuses more decimals than the currency has, unless they are zeros', () => {
    expect(toMinor('1.005', 2)).toBeNull();
    expect(toMinor('0.5', 0)).toBeNull();
    expect(toMinor('1.0000', 2)).toBe(100n);
    expect(toMinor('1.2300000000', 2)).toBe(123n);
    expect(toMinor('7.0', 0)).toBe(7n);
  });

  it('stays exact far beyond what a JS number holds', () => {
    expect(toMinor('90071992547409.93', 2)).toBe(9007199254740993n);
  });

  it('refuses thousands separators and anything that is not a plain amount', () => {
    for (const text of ['1,000.00', '1 000', '1,5', '1e3', '€5', '5€', 'abc', '', ' ', '.', '-']) {
      expect(toMinor(text, 2), JSON.stringify(text)).toBeNull();
    }
  });
});

describe('fromMinor', () => {
  it('writes minor units as the core does', () => {
    expect(fromMinor(5750n, 2)).toBe('57.50');
    expect(fromMinor(-5n, 2)).toBe('-0.05');
    expect(fromMinor(0n, 2)).toBe('0.00');
    expect(fromMinor(1200n, 0)).toBe('1200');
    expect(fromMinor(7n, 3)).toBe('0.007');
  });

  it('round-trips with toMinor', () => {
    for (const text of ['0.00', '57.50', '-0.05', '-123456789012345.67']) {
      expect(fromMinor(toMinor(text, 2)!, 2)).toBe(text);
    }
  });
});

describe('padMinor', () => {
  it('pads to the currency minor unit', () => {
    expect(padMinor('29', 2)).toBe('29.00');
    expect(padMinor('29.5', 2)).toBe('29.50');
    expect(padMinor('29.500', 2)).toBe('29.50');
  });

  it('leaves text with more decimals, or not a number, as given', () => {
    expect(padMinor('0.125', 2)).toBe('0.125');
    expect(padMinor('n/a', 2)).toBe('n/a');
  });
});

describe('scaleOf and isZero', () => {
  it('counts the decimals of an amount', () => {
    expect(scaleOf('57.50')).toBe(2);
    expect(scaleOf('1200')).toBe(0);
    expect(scaleOf('-0.125')).toBe(3);
    expect(scaleOf('abc')).toBe(0);
  });

  it('knows exact zeros, of any sign and scale', () => {
    expect(isZero('0')).toBe(true);
    expect(isZero('0.00')).toBe(true);
    expect(isZero('-0.00')).toBe(true);
    expect(isZero(' 0 ')).toBe(true);
    expect(isZero('0.01')).toBe(false);
    expect(isZero('-0.001')).toBe(false);
  });

  it('does not take text without a number for zero', () => {
    expect(isZero('')).toBe(false);
    expect(isZero('.')).toBe(false);
    expect(isZero('0,00')).toBe(false);
  });
});

describe('cash sums', () => {
  it('rounds up to the next multiple of whole units', () => {
    expect(roundUpTo(1234n, 5, 2)).toBe(1500n);
    expect(roundUpTo(1500n, 5, 2)).toBe(1500n);
    expect(roundUpTo(1501n, 5, 2)).toBe(2000n);
    expect(roundUpTo(0n, 10, 2)).toBe(1000n);
    expect(roundUpTo(-300n, 10, 2)).toBe(1000n);
    expect(roundUpTo(1201n, 100, 0)).toBe(1300n);
  });

  it('gives whole units in minor units', () => {
    expect(wholeUnits(20, 2)).toBe(2000n);
    expect(wholeUnits(20, 0)).toBe(20n);
    expect(wholeUnits(5, 3)).toBe(5000n);
  });
});
