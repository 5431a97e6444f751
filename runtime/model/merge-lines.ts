/**
 * Three-way line merge used by the round-trip save. The yaml library re-renders a whole document
 * (normalising spacing before comments and the like), so the save renders the original document
 * once unchanged (`base`) and once changed (`theirs`), and carries only the changed regions over
 * to the user's text (`ours`). Regions the change did not touch keep the user's exact bytes.
 */

/** Pairs of equal lines (indices into a and b) of a longest common subsequence. */
function lcsPairs(a: readonly string[], b: readonly string[]): [number, number][] | undefined {
  // Trim the common head and tail first: a save usually changes a few lines in the middle.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const n = a.length - head - tail;
  const m = b.length - head - tail;
  if ((n + 1) * (m + 1) > 8_000_000) return undefined;
  const width = m + 1;
  const table = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i * width + j] =
        a[head + i] === b[head + j] ? (table[(i + 1) * width + j + 1] ?? 0) + 1 : Math.max(table[(i + 1) * width + j] ?? 0, table[i * width + j + 1] ?? 0);
    }
  }
  const pairs: [number, number][] = [];
  for (let k = 0; k < head; k++) pairs.push([k, k]);
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[head + i] === b[head + j]) {
      pairs.push([head + i, head + j]);
      i++;
      j++;
    } else if ((table[(i + 1) * width + j] ?? 0) >= (table[i * width + j + 1] ?? 0)) i++;
    else j++;
  }
  for (let k = 0; k < tail; k++) pairs.push([a.length - tail + k, b.length - tail + k]);
  return pairs;
}

const same = (x: readonly string[], y: readonly string[]) => x.length === y.length && x.every((v, i) => v === y[i]);

/**
 * Merge: where `theirs` equals `base`, keep `ours`; where `ours` equals `base`, take `theirs`;
 * where both differ, take `theirs` (the change wins over the user's formatting in that region).
 * Returns undefined when the inputs are too large to diff cheaply.
 */
export function mergeLines(base: readonly string[], ours: readonly string[], theirs: readonly string[]): string[] | undefined {
  const bo = lcsPairs(base, ours);
  const bt = lcsPairs(base, theirs);
  if (!bo || !bt) return undefined;
  const inOurs = new Map(bo.map(([b, o]) => [b, o]));
  const inTheirs = new Map(bt.map(([b, t]) => [b, t]));
  // Stable lines: present, unchanged, in all three; the regions between them are merged.
  const stable: [number, number, number][] = [];
  let lastO = -1;
  let lastT = -1;
  for (let b = 0; b < base.length; b++) {
    const o = inOurs.get(b);
    const t = inTheirs.get(b);
    if (o !== undefined && t !== undefined && o > lastO && t > lastT) {
      stable.push([b, o, t]);
      lastO = o;
      lastT = t;
    }
  }
  stable.push([base.length, ours.length, theirs.length]);
  const out: string[] = [];
  let pb = 0;
  let po = 0;
  let pt = 0;
  for (const [b, o, t] of stable) {
    const regionBase = base.slice(pb, b);
    const regionOurs = ours.slice(po, o);
    const regionTheirs = theirs.slice(pt, t);
    if (same(regionTheirs, regionBase)) out.push(...regionOurs);
    else out.push(...regionTheirs);
    if (b < base.length) out.push(ours[o] as string);
    pb = b + 1;
    po = o + 1;
    pt = t + 1;
  }
  return out;
}
