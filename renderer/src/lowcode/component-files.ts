/**
 * The components a flow can use from the palette: the `*.wsflow-component.yaml` files in the
 * flow's folder (docs/components.md), as refs relative to the flow.
 */
import { COMPONENT_SUFFIX, parseComponent, type ComponentParam } from '../../../runtime/model/components.ts';

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

/** What the designer needs of a component file: its outputs (a card's ports) and params (a form). */
export interface ComponentInfo {
  outputs: readonly string[];
  params: Readonly<Record<string, ComponentParam>>;
}

/** A component file's outputs and params (none when it does not parse: its problems come from validation). */
export function infoOf(text: string, path: string): ComponentInfo {
  const component = parseComponent(text, path).component;
  return { outputs: component?.outputs ?? [], params: component?.params ?? {} };
}

/**
 * A component card's ports: the component's outputs when its file was read, plus any port its
 * edges already use (so an edge to an output the file lost still shows, and is reported).
 */
export function componentPorts(ref: unknown, known: Readonly<Record<string, ComponentInfo>>, used: readonly string[]): string[] {
  const outputs = typeof ref === 'string' ? (known[ref]?.outputs ?? []) : [];
  return [...new Set([...outputs, ...used])];
}
