/**
 * MQTT topic filters (`sensors/+/temp`, `sensors/#`): does a topic match a filter? Used to route
 * one incoming message to every local subscription it matches, since one broker connection
 * carries the subscriptions of every connection of the flow instance.
 */
export function topicMatches(filter: string, topic: string): boolean {
  if (filter === topic) return true;
  const f = filter.split('/');
  const t = topic.split('/');
  // Topics starting with $ (broker internals) match only filters that name them (MQTT 4.7.2).
  if (topic.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false;
  for (let i = 0; i < f.length; i++) {
    const part = f[i];
    if (part === '#') return true;
    if (i >= t.length) return false;
    if (part !== '+' && part !== t[i]) return false;
  }
  return f.length === t.length;
}

/** A filter MQTT accepts: `#` only as the last level, wildcards only as whole levels. */
export function filterProblem(filter: string): string | undefined {
  if (filter === '') return 'a topic filter cannot be empty';
  const parts = filter.split('/');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (part.includes('#') && (part !== '#' || i !== parts.length - 1)) return `'#' must be a whole level and the last one (in '${filter}')`;
    if (part.includes('+') && part !== '+') return `'+' must be a whole level (in '${filter}')`;
  }
  return undefined;
}
