/**
 * The components a flow can use from the palette: the `*.wsflow-component.yaml` files in the
 * flow's folder (docs/components.md), as refs relative to the flow.
 */
import { COMPONENT_SUFFIX } from '../../../runtime/model/components.ts';

export interface ComponentFile {
  /** `./format-event.wsflow-component.yaml` */
  ref: string;
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
      return { ref: `./${file}`, name: file.slice(0, -COMPONENT_SUFFIX.length) };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
