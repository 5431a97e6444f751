/** Choreo's Node.js chat service (samples/choreo-chat.wsflow.yaml), as the README's sample table describes it. */
import { describe, expect, it } from 'vitest';
import type { TestClient } from '../helpers/ws-client.ts';
import { freshService, type StartTarget } from './target.ts';

interface RoomUpdate {
  type: 'Connect' | 'Disconnect';
  room: number;
  userCount: number;
  maxUsers: number;
  status: string;
  username: string;
  totalUsers: number;
}

export function choreoChatChecks(start: StartTarget): void {
  describe('choreo-chat sample', () => {
    const service = freshService(start, 'choreo-chat');

    /** Connects and joins; every member of the room (the newcomer included) hears the Connect. */
    async function join(url: string, username: string, path = '/'): Promise<TestClient> {
      const client = await service.pool.connect(`${url}${path}`);
      client.send({ type: 'Connect', username });
      return client;
    }

    it('puts the first five users in one room and the sixth in a new one', async () => {
      const { url } = await service.start();
      const members: TestClient[] = [];
      for (let i = 1; i <= 5; i++) {
        const client = await join(url, `user${i}`);
        members.push(client);
        for (const member of members) {
          expect(await member.nextJson<RoomUpdate>()).toEqual({
            type: 'Connect',
            room: 1,
            userCount: i,
            maxUsers: 5,
            status: 'Online',
            username: `user${i}`,
            totalUsers: i,
          });
        }
      }
      const sixth = await join(url, 'user6');
      expect(await sixth.nextJson<RoomUpdate>()).toEqual({
        type: 'Connect',
        room: 2,
        userCount: 1,
        maxUsers: 5,
        status: 'Online',
        username: 'user6',
        totalUsers: 6,
      });
      // The full room hears nothing of the new one.
      expect(await members[0]!.drain(200)).toEqual([]);
    });

    it('sends Data to the rest of the room and "Message sent" to the sender', async () => {
      const { url } = await service.start();
      const ann = await join(url, 'ann');
      await ann.nextJson();
      const bob = await join(url, 'bob', '/any/path/works');
      await ann.nextJson();
      await bob.nextJson();

      ann.send({ type: 'Data', message: 'hello bob' });
      expect(await ann.nextText()).toBe('Message sent');
      expect(await bob.nextJson()).toEqual({ type: 'Data', from: 'ann', message: 'hello bob', totalUsers: 2 });
      expect(await ann.drain(150)).toEqual([]);
    });

    it('ignores Data before Connect, invalid JSON and unknown types, and keeps non-ASCII text intact', async () => {
      const { url } = await service.start();
      const ann = await join(url, 'ann');
      await ann.nextJson();
      const newcomer = await service.pool.connect(`${url}/`);
      newcomer.send({ type: 'Data', message: 'too early' });
      newcomer.send('{ not json');
      newcomer.send('"a JSON string"');
      newcomer.send({ type: 'Shout', message: 'unknown' });
      expect(await newcomer.drain(200)).toEqual([]);
      expect(await ann.drain(0)).toEqual([]);

      newcomer.send({ type: 'Connect', username: 'Zoë 🚀' });
      expect((await ann.nextJson<RoomUpdate>()).username).toBe('Zoë 🚀');
      expect((await newcomer.nextJson<RoomUpdate>()).userCount).toBe(2);
      newcomer.send({ type: 'Data', message: 'grüße, 世界 👋' });
      expect(await newcomer.nextText()).toBe('Message sent');
      expect(await ann.nextJson()).toEqual({ type: 'Data', from: 'Zoë 🚀', message: 'grüße, 世界 👋', totalUsers: 2 });
    });

    it('tells the rest of the room when a user disconnects', async () => {
      const { url } = await service.start();
      const ann = await join(url, 'ann');
      await ann.nextJson();
      const bob = await join(url, 'bob');
      await ann.nextJson();
      await bob.nextJson();

      await bob.close();
      expect(await ann.nextJson<RoomUpdate>()).toEqual({
        type: 'Disconnect',
        room: 1,
        userCount: 1,
        maxUsers: 5,
        status: 'Online',
        username: 'bob',
        totalUsers: 1,
      });
    });
  });
}
