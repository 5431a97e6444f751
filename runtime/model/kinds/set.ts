import { mentionsAwait, present } from '../kind-helpers.ts';
import { CHAIN_EVENTS, NEXT, defineKind, type KindCheckContext } from '../node-kind.ts';

function check(raw: Readonly<Record<string, unknown>>, c: KindCheckContext): void {
  const target = typeof raw.target === 'string' ? raw.target : 'var';
  const op = typeof raw.op === 'string' ? raw.op : 'set';
  const has = (f: string) => present(raw, f);
  if (target === 'state') {
    if (!has('key')) c.error('missing', `A set node on 'state' needs 'key' (a template such as 'user:\${conn.params.name}').`, 'id');
    if (has('name')) c.error('conflict', `'name' is for vars and attributes; a state entry is chosen by 'key'.`, 'name');
  } else {
    if (!has('name')) c.error('missing', `A set node on '${target}' needs 'name'.`, 'id');
    if (has('key')) c.error('conflict', `'key' is for state; a ${target} is chosen by 'name'.`, 'key');
    if (op === 'get' && target === 'var') c.error('conflict', `op 'get' reads state or an attribute into a variable; a variable is read directly as vars.NAME.`, 'op');
  }
  if (op === 'set' && !has('value')) c.error('missing', `op 'set' needs 'value'.`, 'id');
  if (op !== 'set' && has('value')) c.error('conflict', `'value' is used only by op 'set' (this one is '${op}').`, 'value');
  if (op !== 'incr' && has('by')) c.error('conflict', `'by' is used only by op 'incr'.`, 'by');
  if (op === 'get' && !has('as')) c.error('missing', `op 'get' needs 'as': the variable that receives the value.`, 'op');
}

export default defineKind({
  id: 'set',
  title: 'Set',
  category: 'action',
  group: 'Data',
  order: 1,
  icon: '≔',
  help: 'Sets a chain variable (`vars.NAME`), a connection attribute, or a service state key (set, incr, get, delete).',
  fields: {
    target: { kind: 'enum', values: ['var', 'attribute', 'state'], default: 'var', help: 'What to change.' },
    op: { kind: 'enum', values: ['set', 'incr', 'get', 'delete'], default: 'set', help: 'The operation (get only for state).' },
    name: { kind: 'name', help: 'Variable or attribute name (target var/attribute).' },
    key: { kind: 'template', help: 'State key, a template: `user:${conn.params.name}` (target state).' },
    value: { kind: 'expr', help: 'The value to set (op set).' },
    by: { kind: 'expr', help: 'Amount to add (op incr).', default: 1 },
    as: { kind: 'name', help: 'Store the result (state incr/get/delete) in `vars.AS`.' },
  },
  ports: [NEXT],
  chain: CHAIN_EVENTS,
  summary: ['name', 'key'],
  check,
  isAsync: (raw) => raw.target === 'state' || mentionsAwait(raw.value) || mentionsAwait(raw.by),
  emit(e) {
    const target = e.str('target', 'var');
    const op = e.str('op', 'set');
    const as = e.has('as') ? `vars.${e.str('as', '')} = ` : '';
    if (target === 'state') {
      const key = e.t('key');
      if (op === 'set') e.line(`${e.await}ctx.state.set(`, key, ', ', e.x('value', 'undefined'), ');');
      else if (op === 'incr') e.line(`${as}${e.await}ctx.state.incr(`, key, ...(e.has('by') ? [', ', e.x('by')] : []), ');');
      else if (op === 'get') e.line(`${as}${e.await}ctx.state.get(`, key, ');');
      else e.line(`${as}${e.await}ctx.state.delete(`, key, ');');
      return;
    }
    if (target === 'attribute') {
      const k = e.lit('name');
      if (op === 'set') e.line('conn.attributes[', k, '] = ', e.x('value', 'undefined'), ';');
      else if (op === 'incr') {
        e.line('conn.attributes[', k, '] = Number(conn.attributes[', k, '] ?? 0) + ', e.x('by', '1'), ';');
        if (as) e.line(as, 'conn.attributes[', k, '];');
      } else if (op === 'get') e.line(as, 'conn.attributes[', k, '];');
      else e.line('delete conn.attributes[', k, '];');
      return;
    }
    const name = `vars.${e.str('name', '_')}`;
    if (op === 'set') e.line(`${name} = `, e.x('value', 'undefined'), ';');
    else if (op === 'incr') e.line(`${name} = Number(${name} ?? 0) + `, e.x('by', '1'), ';');
    else e.line(`delete ${name};`);
  },
});
