/** One YAML writer for every exported file, so every artifact is formatted the same, stably. */
import { stringify } from 'yaml';

export function toYaml(value: unknown): string {
  // No anchors/aliases (shared objects are written out in full) and no line folding: both would
  // make the output harder to read and diff.
  // YAML 1.1 quoting: kubectl and many compose readers still read `yes`/`on`/`no` as booleans.
  return stringify(value, { version: '1.1', aliasDuplicateObjects: false, lineWidth: 0, minContentWidth: 0 });
}

/** Several documents in one file, as `kubectl apply -f` reads them. */
export function toYamlDocuments(values: unknown[]): string {
  return values.map((v) => toYaml(v)).join('---\n');
}
