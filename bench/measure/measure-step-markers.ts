/**
 * What the step markers of a chain cost, in instructions (callgrind), so that the answer does not
 * depend on how loaded the machine is. Not part of the test run:
 *
 *   node --import tsx bench/measure/measure-step-markers.ts [--calls 1000000]
 *
 * The low-code echo's handler (samples/echo-lowcode) is compiled as the designer shows it (no
 * markers, what the engine ran before) and as the engine runs it now (markers), loaded the way
 * the handler host loads snippets (vm.compileFunction with `__wsflow`, the real host/chain.ts),
 * and called in a loop in three variants: `plain`, `off` (markers, no subscriber asked for
 * steps) and `on` (markers, recording). Each variant runs under callgrind twice, with a small and
 * a large number of calls; the difference divided by the extra calls is the cost of one call
 * (start-up cancels out).
 *
 * 2026-12-06, valgrind 3.19, Node 20.20, 1,000,000 extra calls, two runs (the JIT's choices move
 * a loop this small by tens of instructions): plain 134 / 129 Ir per call, off 157 / 227 Ir
 * (+23 / +98 Ir per invocation), on 962 / 955 Ir (+828 / +826 Ir: a clock read and a recorder).
 * One echo message through the whole engine costs 230k..350k Ir under callgrind (wsflow run, one
 * client, one message in flight; that measurement varies by +-20% run to run, so it cannot show a
 * 2% difference itself): the markers with steps off are 0.01%..0.04% of a message.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { parseFlow } from '../../runtime/model/parse.ts';
import { compileChains } from '../../runtime/lowcode/compile.ts';
import { compileSnippet } from '../../runtime/engine/compile.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const args = process.argv.slice(2);
const at = args.indexOf('--calls');
const calls = at >= 0 ? Number(args[at + 1]) : 1_000_000;
const base = 100_000;

const LOOP = `
import vm from 'node:vm';
import { readFileSync } from 'node:fs';
import { snippetHooks, H } from './host.mjs';
const [variant, n] = process.argv.slice(2);
const js = readFileSync(new URL(variant === 'plain' ? './plain.js' : './markers.js', import.meta.url), 'utf8');
const module = { exports: {} };
vm.compileFunction(js, ['exports', 'require', 'module', 'console', '__wsflow'], { filename: 'wsflow-snippet:on-text.js' })(module.exports, () => {}, module, console, snippetHooks);
const fn = module.exports.default;
H.steps = variant === 'on';
let sent = 0;
const conn = { send() { sent++; } };
const inv = { steps: null };
for (let i = 0; i < Number(n); i++) {
  H.current = inv;
  fn(conn, 'hello', {});
  inv.steps = null;
  H.current = null;
}
if (sent !== Number(n)) throw new Error('the handler did not send');
`;

const dir = mkdtempSync(join(tmpdir(), 'wsflow-markers-'));
try {
  const { flow } = parseFlow(readFileSync(join(ROOT, 'samples/echo-lowcode.wsflow.yaml'), 'utf8'), 'echo-lowcode');
  if (!flow) throw new Error('samples/echo-lowcode.wsflow.yaml does not parse');
  for (const steps of [false, true]) {
    const chain = compileChains(flow, { steps }).find((c) => c.eventId === 'on-text');
    if (!chain) throw new Error('echo-lowcode has no chain on on-text');
    writeFileSync(join(dir, steps ? 'markers.js' : 'plain.js'), (await compileSnippet('on-text', chain.code)).js);
  }
  writeFileSync(join(dir, 'host.ts'), `export { snippetHooks } from '${join(ROOT, 'runtime/engine/host/chain.ts')}';\nexport { H } from '${join(ROOT, 'runtime/engine/host/state.ts')}';\n`);
  await build({ entryPoints: [join(dir, 'host.ts')], bundle: true, platform: 'node', format: 'esm', outfile: join(dir, 'host.mjs'), logLevel: 'silent' });
  writeFileSync(join(dir, 'loop.mjs'), LOOP);
  const instructions = (variant: string, n: number): number => {
    const out = join(dir, `cg.${variant}.${n}`);
    execFileSync('valgrind', ['--tool=callgrind', '--smc-check=all-non-file', `--callgrind-out-file=${out}`, process.execPath, join(dir, 'loop.mjs'), variant, String(n)], { stdio: 'ignore' });
    const totals = /^(?:totals|summary): (\d+)/m.exec(readFileSync(out, 'utf8'));
    if (!totals) throw new Error(`no totals in ${out}`);
    return Number(totals[1]);
  };
  const perCall: Record<string, number> = {};
  for (const variant of ['plain', 'off', 'on']) {
    perCall[variant] = (instructions(variant, base + calls) - instructions(variant, base)) / calls;
    console.log(`${variant.padEnd(5)} ${perCall[variant]?.toFixed(1)} Ir per call`);
  }
  console.log(`markers, steps off: +${((perCall.off ?? 0) - (perCall.plain ?? 0)).toFixed(1)} Ir per invocation; steps on: +${((perCall.on ?? 0) - (perCall.plain ?? 0)).toFixed(1)} Ir`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
