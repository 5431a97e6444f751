/**
 * Names of everything the Redis adapter keeps in Redis, in one place so that docs, tests and
 * operators (`redis-cli --scan --pattern 'wsflow:chat-app:*'`) agree.
 *
 *   wsflow:<flow>:<service>:bus      pub/sub channel of a service (messages: Delivery JSON + origin)
 *   wsflow:<flow>:<service>:state    hash: state key -> JSON value
 *   wsflow:<flow>:instances          set of instance ids that have announced themselves
 *   wsflow:<flow>:instance:<id>      hash: `alive` -> ms, `s:<service>` -> local connection count;
 *                                    expires unless the instance's heartbeat refreshes it
 */

export interface RedisKeys {
  channel(service: string): string;
  /** psubscribe pattern matching every service channel of the flow. */
  channelPattern: string;
  state(service: string): string;
  instances: string;
  instance(id: string): string;
}

export function redisKeys(flow: string): RedisKeys {
  const root = `wsflow:${flow}`;
  return {
    channel: (service) => `${root}:${service}:bus`,
    // The flow name is matched literally: glob characters in it must not widen the pattern.
    channelPattern: `${escapeGlob(root)}:*:bus`,
    state: (service) => `${root}:${service}:state`,
    instances: `${root}:instances`,
    instance: (id) => `${root}:instance:${id}`,
  };
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
