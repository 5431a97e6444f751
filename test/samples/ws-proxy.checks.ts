/**
 * samples/ws-proxy.wsflow.yaml: each client at /proxy gets its own connection to BACKEND_URL;
 * frames pass unchanged both ways; either side closing closes the other; an unreachable backend
 * closes the client with 1011; a stalled backend does not make the proxy buffer without bound.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startBackend, type TestBackend } from '../helpers/ws-backend.ts';
import { freePort } from '../helpers/net.ts';
import { waitFor } from '../helpers/wait.ts';
import { freshConnectorService, rssOf, type StartWithEnv } from './connector-target.ts';

export function wsProxyChecks(start: StartWithEnv): void {
  describe('ws-proxy sample', () => {
    const service = freshConnectorService(start, 'ws-proxy');
    let backend: TestBackend;
    beforeAll(async () => {
      backend = await startBackend();
    });
    afterAll(async () => {
      await backend.stop();
    });
    beforeEach(() => backend.reset());

    it('passes texts and binaries unchanged both ways, one backend connection per client', async () => {
      backend.echo = true;
      const { url } = await service.start({ BACKEND_URL: `${backend.url}/feed?x=1` });
      const a = await service.pool.connect(`${url}/proxy`);
      const backA = await backend.nextConnection();
      const b = await service.pool.connect(`${url}/proxy`);
      const backB = await backend.nextConnection();
      expect(backA).not.toBe(backB);

      const texts = ['hello', 'ÿ€🙂 unicode', '{"json":true}', ''];
      for (const t of texts) a.send(t);
      for (const t of texts) expect(await a.nextText()).toBe(t);
      const bytes = Buffer.from([0, 1, 2, 200, 255, 10]);
      a.send(bytes);
      const back = await a.next();
      expect(Buffer.isBuffer(back)).toBe(true);
      expect(Buffer.compare(back as Buffer, bytes)).toBe(0);
      // What the backend got: the same frames, with their types.
      expect(backA.received.map((r) => [r.binary, r.data.toString('hex')])).toEqual([
        ...texts.map((t) => [false, Buffer.from(t).toString('hex')]),
        [true, bytes.toString('hex')],
      ]);
      // A push from one backend connection reaches only its client.
      backB.socket.send('only for b');
      expect(await b.nextText()).toBe('only for b');
      backB.socket.send(Buffer.from([9, 9]), { binary: true });
      expect(Buffer.compare((await b.next()) as Buffer, Buffer.from([9, 9]))).toBe(0);
      expect(await a.drain(200)).toEqual([]);
      expect(backB.received).toEqual([]);
    });

    it('keeps the order of frames sent before the backend handshake finished', async () => {
      backend.echo = true;
      const { url } = await service.start({ BACKEND_URL: backend.url });
      const client = await service.pool.connect(`${url}/proxy`);
      const lines = Array.from({ length: 100 }, (_, i) => `early ${i}`);
      for (const line of lines) client.send(line); // no wait for the backend
      for (const line of lines) expect(await client.nextText()).toBe(line);
    });

    it('closes the backend with the client code, and the client with the backend code', async () => {
      const { url } = await service.start({ BACKEND_URL: backend.url });
      const a = await service.pool.connect(`${url}/proxy`);
      const backA = await backend.nextConnection();
      await a.close(4001, 'client done');
      expect(await backA.closed).toEqual({ code: 4001, reason: 'client done' });

      const b = await service.pool.connect(`${url}/proxy`);
      const backB = await backend.nextConnection();
      backB.socket.close(4002, 'backend done');
      expect(await b.waitClosed()).toEqual({ code: 4002, reason: 'backend done' });

      // A backend that vanishes without a close frame: the client gets 1011.
      const c = await service.pool.connect(`${url}/proxy`);
      const backC = await backend.nextConnection();
      backC.socket.terminate();
      expect((await c.waitClosed()).code).toBe(1011);
    });

    it('closes the client with 1011 when the backend is unreachable or refuses', async () => {
      const closedPort = await freePort();
      const { url } = await service.start({ BACKEND_URL: `ws://127.0.0.1:${closedPort}/` });
      const a = await service.pool.connect(`${url}/proxy`);
      expect((await a.waitClosed(10_000)).code).toBe(1011);

      backend.refuseWith = 503;
      try {
        const second = await service.start({ BACKEND_URL: backend.url });
        const b = await service.pool.connect(`${second.url}/proxy`);
        expect(await b.waitClosed(10_000)).toEqual({ code: 1011, reason: 'backend unavailable' });
      } finally {
        backend.refuseWith = 0;
      }
    });

    it('a backend that accepts TCP but never answers the handshake closes the client with 1011', async () => {
      const silent = createServer(() => undefined); // takes connections, says nothing
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
      const address = silent.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      try {
        const { url } = await service.start({ BACKEND_URL: `ws://127.0.0.1:${port}/` });
        const a = await service.pool.connect(`${url}/proxy`);
        // connectTimeoutMs defaults to 10 s
        expect((await a.waitClosed(20_000)).code).toBe(1011);
      } finally {
        silent.close();
      }
    }, 30_000);

    it('a stalled backend stops the proxy reading the client: memory stays bounded, nothing is lost', async () => {
      backend.echo = false;
      try {
        const target = await service.start({ BACKEND_URL: backend.url });
        const client = await service.pool.connect(`${target.url}/proxy`);
        const back = await backend.nextConnection();
        const raw = (back.socket as unknown as { _socket: import('node:net').Socket })._socket;
        raw.pause(); // the backend stops reading: its TCP window fills, then the proxy's buffers would
        const pid = target.child.pid as number;
        const before = rssOf(pid);
        const chunk = Buffer.alloc(64 * 1024, 7);
        const total = 64 * 1024 * 1024;
        for (let sent = 0; sent < total; sent += chunk.length) client.socket.send(chunk);
        // The client cannot get rid of its data: the proxy stopped reading it.
        await waitFor('the client to be held back', () => client.socket.bufferedAmount > total / 2, 20_000);
        // Holding everything would take the whole 64 MiB. The bound leaves room for V8's young
        // generation, which grows by up to 32 MiB under this load whatever the proxy keeps (24 MiB
        // failed once at 24.5 MiB); the held-back client above is what proves the proxy stopped reading.
        const grown = rssOf(pid) - before;
        expect(grown).toBeLessThan(48 * 1024 * 1024);
        raw.resume();
        await waitFor('every byte at the backend', () => back.received.reduce((n, r) => n + r.data.length, 0) >= total, 60_000);
        expect(back.received.reduce((n, r) => n + r.data.length, 0)).toBe(total);
        expect(back.received.every((r) => r.binary && r.data.every((x) => x === 7))).toBe(true);
      } finally {
        backend.echo = true;
      }
    }, 90_000);
  });
}
