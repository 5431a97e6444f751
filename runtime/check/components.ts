/**
 * The Node side of components (runtime/model/components.ts): reads the component files a flow
 * uses, and the ones they use, so the pure inliner gets their texts. The CLI reads from disk; the
 * studio passes a reader that stays inside its folder.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { componentRefs, resolveRef } from '../model/components.ts';

/** A file's text, or undefined when it cannot be read. */
export type ReadText = (path: string) => Promise<string | undefined>;

/** Enough for any real flow; a runaway tree of files stops here (the inliner reports what is missing). */
const MAX_FILES = 200;

export const readFromDisk: ReadText = (path) => readFile(path, 'utf8').catch(() => undefined);

export async function readComponentTexts(text: string, file: string, read: ReadText = readFromDisk): Promise<Map<string, string | undefined>> {
  const texts = new Map<string, string | undefined>();
  // Most flows use no component: skip the second YAML parse for them.
  if (!/\bcomponent\b/.test(text)) return texts;
  const queue = refsOf(text).map((ref) => resolveRef(file, ref));
  while (queue.length > 0 && texts.size < MAX_FILES) {
    const path = queue.shift() as string;
    if (texts.has(path)) continue;
    const found = await read(path);
    texts.set(path, found);
    if (found !== undefined) queue.push(...refsOf(found).map((ref) => resolveRef(path, ref)));
  }
  return texts;
}

function refsOf(text: string): string[] {
  try {
    return componentRefs(parse(text, { maxAliasCount: 100 }) as unknown);
  } catch {
    return []; // the parser reports it properly where the text is validated
  }
}
