/** userver's echo service (samples/echo.wsflow.yaml): every message at /chat comes back. */
import { describe, expect, it } from 'vitest';
import { TestClient } from '../helpers/ws-client.ts';
import { freshService, type StartTarget } from './target.ts';

export function echoChecks(start: StartTarget): void {
  describe('echo sample', () => {
    const service = freshService(start, 'echo');

    it('sends every text straight back, in order, to its sender only', async () => {
      const { url } = await service.start();
      const a = await service.pool.connect(`${url}/chat`);
      const b = await service.pool.connect(`${url}/chat`);
      a.send('hello');
      expect(await a.nextText()).toBe('hello');
      const lines = Array.from({ length: 200 }, (_, i) => `message ${i}: ÿ€🙂`);
      for (const line of lines) a.send(line);
      for (const line of lines) expect(await a.nextText()).toBe(line);
      b.send('only for b');
      expect(await b.nextText()).toBe('only for b');
      expect(await a.drain(200)).toEqual([]);
    });

    it('echoes binary frames as binary, byte for byte', async () => {
      const { url } = await service.start();
      const client = await service.pool.connect(`${url}/chat`);
      const payload = Buffer.from([0, 1, 2, 253, 254, 255, 10, 13]);
      client.send(payload);
      const echoed = await client.next();
      expect(Buffer.isBuffer(echoed)).toBe(true);
      expect(Buffer.compare(echoed as Buffer, payload)).toBe(0);
    });

    it('serves only /chat', async () => {
      const { url } = await service.start();
      expect((await TestClient.rejection(`${url}/other`)).status).toBe(404);
      expect((await TestClient.rejection(`${url}/chat/more`)).status).toBe(404);
    });
  });
}
