/** Palette entries for the action nodes, grouped and described by ACTION_SPECS. */
import { ACTION_SPECS } from '../../../runtime/model/actions.ts';
import { ACTION_TYPES, type ActionType } from '../../../runtime/model/types.ts';

export const ACTION_ICONS: Record<ActionType, string> = {
  if: '◇',
  switch: '⋔',
  reply: '↩',
  broadcast: '⇶',
  sendTo: '➚',
  set: '≔',
  close: '⨯',
  log: '✎',
  delay: '◔',
  code: '{}',
  accept: '✓',
  reject: '⊘',
  http: '⇄',
  mqttOut: '⇡',
  redisOut: '⇡',
};

export const ACTION_PALETTE = ACTION_TYPES.map((type) => ({
  type,
  label: ACTION_SPECS[type].title,
  hint: ACTION_SPECS[type].doc.replace(/`/g, ''),
  group: ACTION_SPECS[type].group,
  icon: ACTION_ICONS[type],
}));
