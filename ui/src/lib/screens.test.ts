import { describe, expect, it } from 'vitest';
import { keyName, screenForKey, SCREENS } from './screens';

describe('screen keys', () => {
  it('gives each screen its own key', () => {
    const keys = SCREENS.map((s) => s.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('leaves F12 to the checkout, where it is Pay', () => {
    expect(screenForKey(keyName({ key: 'F12', shiftKey: false }))).toBeUndefined();
  });

  it('opens the Stock screen on Shift+F2 and Products on F2', () => {
    expect(screenForKey(keyName({ key: 'F2', shiftKey: true }))).toBe('stock');
    expect(screenForKey(keyName({ key: 'F2', shiftKey: false }))).toBe('products');
  });
});
