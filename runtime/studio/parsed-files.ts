/**
 * The flows the studio has parsed, by path and text. Opening a file hands the designer the flow
 * already parsed, so the page does not spend a third of a second of its first paint reading the
 * YAML of a 500-node flow; the flow given on the command line is parsed while the browser starts.
 */
import { readComponentTexts, type ReadText } from '../check/components.ts';
import { parseFlow } from '../model/parse.ts';
import type { FlowDocument, Problem } from '../model/types.ts';

export interface ParsedFile {
  flow?: FlowDocument;
  problems: Problem[];
}

/** A few recent files are enough: the designer holds one document at a time. */
const KEEP = 4;

export class ParsedFiles {
  private readonly recent = new Map<string, { text: string; parsed: ParsedFile }>();

  /** The flow and problems of `text`, read as the file `rel`, its components read with `read`. */
  async of(rel: string, text: string, read: ReadText): Promise<ParsedFile> {
    const hit = this.recent.get(rel);
    if (hit?.text === text) return hit.parsed;
    const { flow, problems } = parseFlow(text, rel, { components: await readComponentTexts(text, rel, read) });
    const parsed: ParsedFile = flow ? { flow, problems } : { problems };
    this.recent.delete(rel);
    this.recent.set(rel, { text, parsed });
    if (this.recent.size > KEEP) this.recent.delete(this.recent.keys().next().value as string);
    return parsed;
  }
}
