/**
 * Component files a flow uses, read synchronously for tests that parse flows directly
 * (runtime/check/components.ts reads them for the CLI and the studio).
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { componentRefs, resolveRef } from '../../runtime/model/components.ts';

export function componentTextsSync(text: string, file: string): Map<string, string | undefined> {
  const texts = new Map<string, string | undefined>();
  const refsOf = (t: string, from: string) => componentRefs(parse(t) as unknown).map((ref) => resolveRef(from, ref));
  const queue = refsOf(text, file);
  for (let path = queue.shift(); path !== undefined && texts.size < 50; path = queue.shift()) {
    if (texts.has(path)) continue;
    const found = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    texts.set(path, found);
    if (found !== undefined) queue.push(...refsOf(found, path));
  }
  return texts;
}
