/**
 * The flows the studio has parsed, by path and text. Opening a file hands the designer the flow
 * already parsed, so the page does not spend a third of a second of its first paint reading the
 * YAML of a 500-node flow; the flow given on the command line is parsed while the browser starts.
 *
 * The flow's `packages:` are loaded first (as validation does), so the kinds they add are known
 * node types here too, and a missing package is reported on its name.
 */
import { readComponentTexts, type ReadText } from '../check/components.ts';
import { loadFlowPackages } from '../check/packages.ts';
import { parseFlow, sortProblems } from '../model/parse.ts';
import { withPackageKinds } from '../model/registry.ts';
import type { FlowDocument, Problem } from '../model/types.ts';

export interface ParsedFile {
  flow?: FlowDocument;
  problems: Problem[];
}

/** Where a flow's parts are read from: its component files, and the folder its packages are found from. */
export interface ParseSources {
  readComponent: ReadText;
  folder: string;
}

/** A few recent files are enough: the designer holds one document at a time. */
const KEEP = 4;

export class ParsedFiles {
  private readonly recent = new Map<string, { text: string; parsed: ParsedFile }>();

  /** The flow and problems of `text`, read as the file `rel` of the studio folder. */
  async of(rel: string, text: string, sources: ParseSources): Promise<ParsedFile> {
    const hit = this.recent.get(rel);
    if (hit?.text === text) return hit.parsed;
    const packages = await loadFlowPackages(text, rel, sources.folder);
    const components = await readComponentTexts(text, rel, sources.readComponent);
    // The package kinds only for this parse: a flow running in the studio keeps its own.
    const { flow, problems } = withPackageKinds(packages.kinds, () => parseFlow(text, rel, { components }));
    const all = packages.problems.length > 0 ? sortProblems([...packages.problems, ...problems]) : problems;
    const parsed: ParsedFile = flow ? { flow, problems: all } : { problems: all };
    this.recent.delete(rel);
    this.recent.set(rel, { text, parsed });
    if (this.recent.size > KEEP) this.recent.delete(this.recent.keys().next().value as string);
    return parsed;
  }
}
