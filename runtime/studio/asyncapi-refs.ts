/**
 * Where an imported AsyncAPI document's `$ref`s may lead when the studio imports it: files whose
 * real path (every symlink resolved) is inside the document's own folder, and http(s) URLs only
 * after the user confirmed them in the import dialog (`allowUrls`). Anything else is refused with
 * `WSF_STUDIO_PATH` before it is read: the studio backend never reads `/etc/passwd` or fetches an
 * intranet URL on behalf of a document.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { RefRequest } from '../import/asyncapi.ts';

const MAX_REF_BYTES = 5 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 10_000;

function refused(ref: RefRequest, why: string): Error {
  return Object.assign(new Error(`$ref ${JSON.stringify(ref.href)} ${why}`), { code: 'WSF_STUDIO_PATH' });
}

function inside(folder: string, target: string): boolean {
  const rel = path.relative(folder, target);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/**
 * The document's own `$ref`s, before the parser sees them: an absolute path or a `file:` URL is
 * refused outright (the parser would quietly read it relative to the document's folder), as is
 * a URL when the user has not confirmed URLs. Unparseable text is left to the parser to report.
 */
export function checkDocumentRefs(text: string, allowUrls: boolean): void {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    return;
  }
  const seen = new Set<unknown>();
  const walk = (value: unknown, depth: number): void => {
    if (depth > 64 || value === null || typeof value !== 'object' || seen.has(value)) return;
    seen.add(value);
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string') {
        const ref = child.split('#')[0] ?? '';
        const fake: RefRequest = { scheme: 'file', href: child };
        if (/^file:/i.test(ref) || path.isAbsolute(ref) || /^[a-z]:[\\/]/i.test(ref)) throw refused(fake, 'is an absolute path: only paths relative to the document are followed');
        if (/^https?:/i.test(ref) && !allowUrls) throw refused(fake, 'is a URL: confirm fetching URLs in the import dialog to follow it');
      } else walk(child, depth + 1);
    }
  };
  walk(doc, 0);
}

export function confinedRefReader(docFolder: string, allowUrls: boolean): (ref: RefRequest) => Promise<string> {
  let realFolder: Promise<string> | undefined;
  return async (ref) => {
    if (ref.scheme !== 'file') {
      if (!allowUrls) throw refused(ref, 'is a URL: confirm fetching URLs in the import dialog to follow it');
      return fetchText(ref);
    }
    const file = ref.href.startsWith('file:') ? fileURLToPath(ref.href) : ref.href;
    if (!path.isAbsolute(file)) throw refused(ref, 'cannot be placed in the document\'s folder');
    realFolder ??= fs.realpath(docFolder);
    const folder = await realFolder;
    if (!inside(path.resolve(docFolder), path.resolve(file)) && !inside(folder, path.resolve(file))) {
      throw refused(ref, 'is outside the imported document\'s folder');
    }
    let real: string;
    try {
      real = await fs.realpath(file);
    } catch {
      throw Object.assign(new Error(`$ref ${JSON.stringify(ref.href)}: no such file`), { code: 'WSF_STUDIO_NOT_FOUND' });
    }
    if (!inside(folder, real)) throw refused(ref, 'resolves (through a symlink) outside the imported document\'s folder');
    const stat = await fs.stat(real);
    if (!stat.isFile() || stat.size > MAX_REF_BYTES) throw refused(ref, 'is not a file of at most 5 MiB');
    return fs.readFile(real, 'utf8');
  };
}

async function fetchText(ref: RefRequest): Promise<string> {
  const response = await fetch(ref.href, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'error' });
  if (!response.ok) throw new Error(`$ref ${JSON.stringify(ref.href)}: HTTP ${response.status}`);
  const text = await response.text();
  if (text.length > MAX_REF_BYTES) throw refused(ref, 'is larger than 5 MiB');
  return text;
}
