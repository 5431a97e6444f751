/** The broker-process helper itself: a broker that cannot start fails at once with a clear message. */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startBrokerProcess } from './broker-process.ts';

describe('startBrokerProcess', () => {
  it('names the missing binary and what to install, and leaves no temp dir', async () => {
    let dir = '';
    const failed = startBrokerProcess({
      name: 'nothing',
      binary: '/nonexistent/broker',
      install: 'apt-get install nothing',
      args: (port, d) => {
        dir = d;
        return ['--port', String(port)];
      },
    });
    await expect(failed).rejects.toThrow(/cannot start \/nonexistent\/broker: .*ENOENT.*\(apt-get install nothing\)/);
    expect(dir).not.toBe('');
    expect(existsSync(dir)).toBe(false);
  });

  it('reports a broker that exits before it accepts connections, with its output', async () => {
    const failed = startBrokerProcess({ name: 'sh', binary: '/bin/sh', install: 'a shell', args: () => ['-c', 'echo refusing to start >&2; exit 3'] });
    await expect(failed).rejects.toThrow(/sh exited with 3 before it accepted connections:\nrefusing to start/);
  });
});
