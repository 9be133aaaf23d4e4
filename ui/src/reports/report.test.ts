import { describe, expect, it } from 'vitest';
import type { SalesReport, SalesRow } from '../lib/bindings';
import { changeText, compareArg, daysBetween, heatGrid, isGood, isOneDay, periodInput, salesSeries } from './report';

const totals = {
  orders: 0,
  items: 0,
  gross: '0',
  discounts: '0',
  refunds: '0',
  net: '0',
  tax: '0',
  cost: '0',
  margin: '0',
  average_basket: '0',
  estimated_lines: 0,
};

function row(key: string, net: string): SalesRow {
  return { key, label: key, orders: 1, items: 1, gross: net, discounts: '0', refunds: '0', net, tax: '0', cost: '0', margin: net };
}

function report(rows: SalesRow[], compare: SalesReport | null = null): SalesReport {
  return { from: '', to: '', currency: 'EUR', by: 'day', totals, rows, compare, change: null };
}

describe('the period as the backend takes it', () => {
  it('names a preset, or gives the dates as typed', () => {
    expect(periodInput({ period: 'last-week', from: 'x', to: 'y', compare: 'none' })).toEqual({
      kind: 'preset',
      name: 'last-week',
    });
    expect(periodInput({ period: 'custom', from: '2026-11-01', to: '2026-11-07', compare: 'none' })).toEqual({
      kind: 'range',
      from: '2026-11-01',
      to: '2026-11-07',
    });
  });

  it('compares with nothing, the previous period or last year', () => {
    const c = { period: 'today', from: '', to: '' } as const;
    expect(compareArg({ ...c, compare: 'none' })).toBeNull();
    expect(compareArg({ ...c, compare: 'previous' })).toBe('previous');
    expect(compareArg({ ...c, compare: 'last-year' })).toBe('last-year');
  });

  it('shows today, yesterday and a one-day range by hour', () => {
    const c = { from: '', to: '', compare: 'none' } as const;
    expect(isOneDay({ ...c, period: 'today' })).toBe(true);
    expect(isOneDay({ ...c, period: 'yesterday' })).toBe(true);
    expect(isOneDay({ ...c, period: 'this-week' })).toBe(false);
    expect(isOneDay({ ...c, period: 'custom', from: '2026-11-01', to: '2026-11-01' })).toBe(true);
    expect(isOneDay({ ...c, period: 'custom', from: '2026-11-01', to: '2026-11-02' })).toBe(false);
  });
});

describe('changeText', () => {
  it('signs a change and says which way it went', () => {
    expect(changeText('12.5')).toEqual({ text: '+12.5%', trend: 'up' });
    expect(changeText('-3.0')).toEqual({ text: '−3.0%', trend: 'down' });
    expect(changeText('0.0')).toEqual({ text: '0.0%', trend: 'flat' });
  });

  it('has nothing to say when there was nothing to compare with', () => {
    expect(changeText(null)).toBeNull();
    expect(changeText(undefined)).toBeNull();
  });

  it('reads more refunds as bad news', () => {
    expect(isGood('up', true)).toBe(true);
    expect(isGood('down', true)).toBe(false);
    expect(isGood('up', false)).toBe(false);
    expect(isGood('flat', false)).toBeNull();
  });
});

describe('salesSeries', () => {
  it('lists every day of the period, a day without sales at 0', () => {
    const days = daysBetween('2026-10-30', '2026-11-02');
    expect(days).toEqual(['2026-10-30', '2026-10-31', '2026-11-01', '2026-11-02']);
    const s = salesSeries(report([row('2026-10-31', '12.50')]), false, days);
    expect(s.current).toEqual(['0', '12.50', '0', '0']);
    expect(s.previous).toBeNull();
  });

  it('sets the comparison beside the current period day by day', () => {
    const prev = report([row('2026-10-24', '5.00'), row('2026-10-26', '7.00')]);
    const s = salesSeries(
      report([row('2026-10-31', '12.50')], prev),
      false,
      daysBetween('2026-10-31', '2026-11-02'),
      daysBetween('2026-10-24', '2026-10-26'),
    );
    expect(s.current).toEqual(['12.50', '0', '0']);
    expect(s.previous).toEqual(['5.00', '0', '7.00']);
  });

  it('runs the hours from the first to the last with sales in either period', () => {
    const s = salesSeries(report([row('09', '3.40'), row('11', '6.80')], report([row('08', '1.00')])), true);
    expect(s.keys).toEqual(['08', '09', '10', '11']);
    expect(s.current).toEqual(['0', '3.40', '0', '6.80']);
    expect(s.previous).toEqual(['1.00', '0', '0', '0']);
  });

  it('stops at a year of days', () => {
    expect(daysBetween('2020-01-01', '2026-01-01')).toHaveLength(366);
    expect(daysBetween('2026-11-02', '2026-11-01')).toEqual([]);
    expect(daysBetween('not a day', '2026-11-01')).toEqual([]);
  });
});

describe('heatGrid', () => {
  it('shades each cell against the busiest, over the hours with sales', () => {
    const g = heatGrid([
      { weekday: 0, hour: 6, orders: 2, net: '10.00' },
      { weekday: 5, hour: 11, orders: 8, net: '40.00' },
    ]);
    expect(g.hours).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]);
    expect(g.rows).toHaveLength(7);
    expect(g.rows[0][0].shade).toBeCloseTo(0.25);
    expect(g.rows[5][5].shade).toBe(1);
    expect(g.rows[3][1]).toEqual({ cell: null, shade: 0 });
  });

  it('shows shop hours with nothing shaded when there were no sales', () => {
    const g = heatGrid([]);
    expect(g.hours).toEqual([8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18]);
    expect(g.rows.flat().every((c) => c.shade === 0)).toBe(true);
  });
});
