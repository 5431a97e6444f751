/** The exported service reads PORT with the same syntax as the CLI's --port (runtime/model/port.ts). */
import { describe, expect, it } from 'vitest';
import { applyEnv } from '../../runtime/export/env.ts';
import { loadSample } from './fixtures.ts';

describe('PORT in the exported service', () => {
  const flow = loadSample('echo');

  it('takes a decimal port, 0 included', () => {
    expect(applyEnv(flow, { PORT: '8081' })).toMatchObject({ port: 8081, errors: [] });
    expect(applyEnv(flow, { PORT: '0' })).toMatchObject({ port: 0, errors: [] });
  });

  it('refuses what --port refuses, naming the variable', () => {
    for (const bad of ['0x50', '1e3', '-1', '65536', '80.5']) {
      expect(applyEnv(flow, { PORT: bad }).errors).toEqual([`PORT=${bad} is not a port number (0-65535)`]);
    }
  });
});
