import { describe, expect, it } from 'vitest';
import { MAX_PORT, parsePort } from '../../runtime/model/port.ts';

describe('parsePort', () => {
  it('accepts decimal ports from 0 to 65535', () => {
    expect(['0', '1', '80', '8080', '65535', ' 9090 ', '080', '00000'].map(parsePort)).toEqual([0, 1, 80, 8080, MAX_PORT, 9090, 80, 0]);
  });

  it('refuses everything else: other bases, signs, fractions, exponents, out of range, blanks', () => {
    for (const bad of ['', ' ', '0x50', '0o17', '0b1', '1e3', '-1', '+80', '80.0', '80.5', '65536', '100000', '8 0', '80a', 'Infinity', 'NaN', '٨٠']) {
      expect(parsePort(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });
});
