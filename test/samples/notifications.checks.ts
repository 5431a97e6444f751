/** The API Manager style notifications API (samples/notifications.wsflow.yaml): two channels. */
import { describe, expect, it } from 'vitest';
import { TestClient } from '../helpers/ws-client.ts';
import { freshService, type StartTarget } from './target.ts';

interface Notification {
  type: 'notification';
  id: number;
  topic: string;
  title: string;
  body: string;
}

export function notificationsChecks(start: StartTarget): void {
  describe('notifications sample', () => {
    const service = freshService(start, 'notifications');

    it('welcomes subscribers and delivers notifications to the matching topic only', async () => {
      const { url } = await service.start();
      const all = await service.pool.connect(`${url}/websocket/notifications`);
      const news = await service.pool.connect(`${url}/websocket/notifications?topic=news`);
      const sport = await service.pool.connect(`${url}/websocket/notifications?topic=sport`);
      expect(await all.nextJson()).toEqual({ type: 'welcome', topic: '*' });
      expect(await news.nextJson()).toEqual({ type: 'welcome', topic: 'news' });
      expect(await sport.nextJson()).toEqual({ type: 'welcome', topic: 'sport' });

      news.send({ type: 'publish', title: 'Release 1.0', body: 'out now', topic: 'news' });
      const first = { type: 'notification', id: 1, topic: 'news', title: 'Release 1.0', body: 'out now' };
      expect(await all.nextJson<Notification>()).toEqual(first);
      expect(await news.nextJson<Notification>()).toEqual(first);

      all.send({ type: 'publish', title: 'Hello', topic: 'sport' });
      const second = { type: 'notification', id: 2, topic: 'sport', title: 'Hello', body: '' };
      expect(await sport.nextJson<Notification>()).toEqual(second);
      expect(await all.nextJson<Notification>()).toEqual(second);
      expect(await news.drain(200)).toEqual([]);
    });

    it('closes a publisher that sends a message outside the declared schema with 1007', async () => {
      const { url } = await service.start();
      const publisher = await service.pool.connect(`${url}/websocket/notifications`);
      await publisher.nextJson();
      publisher.send({ type: 'publish', body: 'no title' });
      expect((await publisher.waitClosed()).code).toBe(1007);

      const other = await service.pool.connect(`${url}/websocket/notifications`);
      await other.nextJson();
      other.send('not json at all');
      expect((await other.waitClosed()).code).toBe(1007);
    });

    it('keeps room members together and apart from other rooms', async () => {
      const { url } = await service.start();
      const ann = await service.pool.connect(`${url}/websocket/rooms/blue?user=ann`);
      expect(await ann.nextJson()).toEqual({ type: 'joined', room: 'blue', user: 'ann' });
      const carl = await service.pool.connect(`${url}/websocket/rooms/red?user=carl`);
      expect(await carl.nextJson()).toEqual({ type: 'joined', room: 'red', user: 'carl' });
      const bob = await service.pool.connect(`${url}/websocket/rooms/blue?user=bob`);
      expect(await bob.nextJson()).toEqual({ type: 'joined', room: 'blue', user: 'bob' });
      expect(await ann.nextJson()).toEqual({ type: 'joined', room: 'blue', user: 'bob' });

      bob.send('hi ann');
      const message = { type: 'message', room: 'blue', user: 'bob', text: 'hi ann' };
      expect(await ann.nextJson()).toEqual(message);
      expect(await bob.nextJson()).toEqual(message);

      await bob.close();
      expect(await ann.nextJson()).toEqual({ type: 'left', room: 'blue', user: 'bob' });
      expect(await carl.drain(200)).toEqual([]);
    });

    it('requires the user of a room and refuses unknown paths', async () => {
      const { url } = await service.start();
      const missing = await TestClient.rejection(`${url}/websocket/rooms/blue`);
      expect(missing.status).toBe(400);
      expect(missing.body).toMatch(/user/);
      expect((await TestClient.rejection(`${url}/websocket/rooms`)).status).toBe(404);
      expect((await TestClient.rejection(`${url}/websocket/other`)).status).toBe(404);
    });
  });
}
