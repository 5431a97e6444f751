/** The Ballerina chat room (samples/chat.wsflow.yaml), as the README's sample table describes it. */
import { describe, expect, it } from 'vitest';
import { TestClient } from '../helpers/ws-client.ts';
import { freshService, type StartTarget } from './target.ts';

const greeting = (name: string) => `Hi ${name}! You have successfully connected to the chat`;

export function chatChecks(start: StartTarget): void {
  describe('chat sample', () => {
    const service = freshService(start, 'chat');

    it('greets a new user, then tells everyone (the user included) who joined and their age', async () => {
      const { url } = await service.start();
      const alice = await service.pool.connect(`${url}/chat/alice?age=20`);
      expect(await alice.nextText()).toBe(greeting('alice'));
      expect(await alice.nextText()).toBe('alice with age 20 connected to chat');

      const bob = await service.pool.connect(`${url}/chat/bob`);
      expect(await bob.nextText()).toBe(greeting('bob'));
      expect(await bob.nextText()).toBe('bob connected to chat');
      expect(await alice.nextText()).toBe('bob connected to chat');
    });

    it('broadcasts every text to everyone, sender included, in order per sender', async () => {
      const { url } = await service.start();
      const names = ['ann', 'ben', 'cat'];
      const clients: TestClient[] = [];
      for (const [index, name] of names.entries()) {
        const client = await service.pool.connect(`${url}/chat/${name}?age=${30 + index}`);
        clients.push(client);
        expect(await client.nextText()).toBe(greeting(name));
        // Everyone already present hears the join, the newcomer too.
        for (const present of clients) expect(await present.nextText()).toBe(`${name} with age ${30 + index} connected to chat`);
      }
      const count = 25;
      for (let i = 0; i < count; i++) clients[0]!.send(`line ${i} ✓`);
      for (const client of clients) {
        for (let i = 0; i < count; i++) expect(await client.nextText()).toBe(`ann: line ${i} ✓`);
      }
      clients[1]!.send('hi from ben');
      for (const client of clients) expect(await client.nextText()).toBe('ben: hi from ben');
    });

    it('tells the others when a user leaves', async () => {
      const { url } = await service.start();
      const alice = await service.pool.connect(`${url}/chat/alice`);
      await alice.nextText();
      await alice.nextText();
      const bob = await service.pool.connect(`${url}/chat/bob`);
      await bob.nextText();
      await bob.nextText();
      expect(await alice.nextText()).toBe('bob connected to chat');

      await bob.close();
      expect(await alice.nextText()).toBe('bob left the chat');
      expect(await alice.drain(200)).toEqual([]);
    });

    it('closes a second live user with a taken name with 1003, without telling the others', async () => {
      const { url } = await service.start();
      const alice = await service.pool.connect(`${url}/chat/alice`);
      await alice.nextText();
      expect(await alice.nextText()).toBe('alice connected to chat');

      const impostor = await service.pool.connect(`${url}/chat/alice`);
      expect(await impostor.waitClosed()).toEqual({ code: 1003, reason: 'Username already exists.' });
      // Nobody hears that the refused user joined or left.
      expect(await alice.drain(300)).toEqual([]);

      // Once the first alice is gone (bob hears it), the name is free again.
      const bob = await service.pool.connect(`${url}/chat/bob`);
      await bob.nextText();
      expect(await bob.nextText()).toBe('bob connected to chat');
      expect(await alice.nextText()).toBe('bob connected to chat');
      await alice.close();
      expect(await bob.nextText()).toBe('alice left the chat');
      const again = await service.pool.connect(`${url}/chat/alice`);
      expect(await again.nextText()).toBe(greeting('alice'));
      expect(await again.nextText()).toBe('alice connected to chat');
    });

    it('refuses a wrong age with 400 and a reason, unknown paths with 404', async () => {
      const { url } = await service.start();
      const badAge = await TestClient.rejection(`${url}/chat/alice?age=old`);
      expect(badAge.status).toBe(400);
      expect(badAge.body).toMatch(/age/);
      expect((await TestClient.rejection(`${url}/elsewhere/alice`)).status).toBe(404);
      expect((await TestClient.rejection(`${url}/chat/alice/extra`)).status).toBe(404);
    });

    it('answers /healthz, and on SIGTERM closes every client with 1001 and exits 0', async () => {
      const target = await service.start();
      const health = await fetch(`http://127.0.0.1:${target.port}/healthz`);
      expect(health.status).toBe(200);

      const alice = await service.pool.connect(`${target.url}/chat/alice`);
      const bob = await service.pool.connect(`${target.url}/chat/bob`);
      const exitCode = await target.stop();
      expect((await alice.waitClosed()).code).toBe(1001);
      expect((await bob.waitClosed()).code).toBe(1001);
      expect(exitCode).toBe(0);
    });
  });
}
