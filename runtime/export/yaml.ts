/** One YAML writer for every exported file, so every artifact is formatted the same, stably. */
import { stringify } from 'yaml';

export function toYaml(value: unknown): string {
  // No anchors/aliases (shared objects are written out in full) and no line folding: both would
  // make the output harder to read and diff.
  return stringify(value, { aliasDuplicateObjects: false, lineWidth: 0, minContentWidth: 0 });
}

/** Several documents in one file, as `kubectl apply -f` reads them. */
export function toYamlDocuments(values: unknown[]): string {
  return values.map((v) => toYaml(v)).join('---\n');
}
