/**
 * The components a flow can use from the palette: the `*.wsflow-component.yaml` files in the
 * flow's folder (docs/components.md), as refs relative to the flow.
 */
import { COMPONENT_SUFFIX, parseComponent } from '../../../runtime/model/components.ts';

export interface ComponentFile {
  /** `./format-event.wsflow-component.yaml` */
  ref: string;
  /** Root-relative path of the file. */
  path: string;
  /** `format-event` */
  name: string;
}

/** Component files in the same folder as `flowPath` (root-relative, `/` separated); an unsaved flow: the root. */
export function componentsBeside(flowPath: string | undefined, paths: readonly string[]): ComponentFile[] {
  const slash = flowPath?.lastIndexOf('/') ?? -1;
  const folder = flowPath && slash >= 0 ? flowPath.slice(0, slash + 1) : '';
  return paths
    .filter((p) => p.startsWith(folder) && p.endsWith(COMPONENT_SUFFIX) && !p.slice(folder.length).includes('/'))
    .map((p) => {
      const file = p.slice(folder.length);
      return { ref: `./${file}`, path: p, name: file.slice(0, -COMPONENT_SUFFIX.length) };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The output names of a component file's text (none when it does not parse). */
export function outputsOf(text: string, path: string): string[] {
  return parseComponent(text, path).component?.outputs ?? [];
}

/**
 * A component card's ports: the component's outputs when its file was read, plus any port its
 * edges already use (so an edge to an output the file lost still shows, and is reported).
 */
export function componentPorts(ref: unknown, known: Readonly<Record<string, readonly string[]>>, used: readonly string[]): string[] {
  const outputs = typeof ref === 'string' ? (known[ref] ?? []) : [];
  return [...new Set([...outputs, ...used])];
}
