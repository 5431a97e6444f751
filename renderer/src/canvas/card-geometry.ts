/**
 * A card's size and handle positions, known before React Flow measures it. A fresh document
 * hands these to React Flow (`initialWidth`, `initialHeight`, `handles`), so its first render is
 * already visible, with edges, and fitted, instead of a hidden pass that only measures the cards.
 * Measured sizes replace them a frame later; test/e2e/designer-first-paint.test.ts checks that
 * they agree.
 *
 * The figures mirror the cards' CSS (styles.css `.card`, `.handle`, lowcode.css `.card--action`)
 * and React Flow's handle placement (centred on the card's padding edge).
 */
import type { NodeHandle } from '@xyflow/react';
import { Position } from '@xyflow/react';
import { isActionType, kindOf, portsOf } from '../../../runtime/model/registry.ts';
import { joinPath, templateParamNames } from '../../../runtime/model/paths.ts';
import type { FlowNode, UpgraderNode } from '../../../runtime/model/types.ts';
import type { Size } from '../model/layout.ts';

const HANDLE = 10;
/** `.card` borders: 3 px on top (the kind's colour), 1 px elsewhere; 9 px of padding at the bottom. */
const BORDER = { top: 3, side: 1, bottom: 1 };
const PADDING_BOTTOM = 9;
/** Heights of the cards with their one line of content; an upgrader adds rows of chips. */
const HEIGHT = { upgrader: 64, service: 63, handler: 70, action: 70 };
/** Connectors draw the action card at the width of the others (lowcode.css `.card--connector`). */
const WIDTH = { card: 230, action: 200, connector: 230 };
/** `.card__chips` and `.chip`: a row is 19 px, rows 4 px apart, 6 px under the path; a chip is
 * its text in 10.5 px monospace (about 6.3 px a character) plus 14 px of padding and border. */
const CHIPS = { top: 6, row: 19, gap: 4, char: 6.3, chrome: 14, room: WIDTH.card - 2 * 10 - 2 * BORDER.side };

export interface Chip {
  key: string;
  kind: 'param' | 'query' | 'code';
  text: string;
  title?: string;
}

/** What an upgrader's card shows under its title: the path the engine routes and a chip per param, query and snippet. */
export function upgraderChips(node: UpgraderNode): { path: string; chips: Chip[] } {
  const path = joinPath(node.basePath, node.upgradePath);
  const chips: Chip[] = templateParamNames(path).map((name) => ({ key: `p-${name}`, kind: 'param', text: name }));
  for (const [name, spec] of Object.entries(node.query ?? {})) {
    chips.push({ key: `q-${name}`, kind: 'query', text: `?${name}: ${spec.type}`, title: `query ${name}: ${spec.type}${spec.required ? ', required' : ''}` });
  }
  if (node.code) chips.push({ key: 'code', kind: 'code', text: 'upgrade snippet' });
  return { path, chips };
}

/** How many rows the chips wrap into (flex-wrap), from their estimated widths. */
function chipRows(chips: Chip[]): number {
  let rows = 0;
  let used = 0;
  for (const chip of chips) {
    const width = chip.text.length * CHIPS.char + CHIPS.chrome;
    if (rows === 0 || used + CHIPS.gap + width > CHIPS.room) {
      rows++;
      used = width;
    } else used += CHIPS.gap + width;
  }
  return rows;
}

/**
 * A branching action card lists its ports under its content, one row each with the label inside
 * the card and the handle on the row's right edge (lowcode.css `.card__ports`): a label outside the
 * card ran into the edges leaving it, their labels and the next card, and close ports' labels into
 * each other. `gap` is the list's top margin, `row` a row's height.
 */
const PORT_ROWS = { gap: 4, row: 18 };

/** Whether a card draws labelled port rows: several ports, or a component's (its edges carry `port`). */
export function hasPortRows(type: unknown, ports: readonly string[]): boolean {
  return ports.length > 1 || (type === 'component' && ports.length > 0);
}

/** Which card draws a node: action and connector kinds share the action card (ActionCard.tsx). */
export type CardFamily = 'upgrader' | 'service' | 'handler' | 'action';

export function cardFamily(type: unknown): CardFamily {
  const category = kindOf(type)?.category;
  return category === 'upgrader' || category === 'service' ? category : category === 'action' || category === 'connector' ? 'action' : 'handler';
}

/** The output ports an action card draws: a chain step's ports; none for a kind that is never a step. */
export function cardPorts(node: Readonly<Record<string, unknown>>): string[] {
  return isActionType(node.type) ? portsOf(node.type, node) : [];
}

function actionPorts(node: FlowNode): string[] {
  return cardFamily(node.type) === 'action' ? cardPorts(node as unknown as Record<string, unknown>) : [];
}

export function cardSize(node: FlowNode): Size {
  if (cardFamily(node.type) === 'action') {
    const ports = actionPorts(node);
    const width = kindOf(node.type)?.category === 'connector' ? WIDTH.connector : WIDTH.action;
    return { width, height: HEIGHT.action + (hasPortRows(node.type, ports) ? PORT_ROWS.gap + ports.length * PORT_ROWS.row : 0) };
  }
  if (node.type === 'upgrader') {
    const rows = chipRows(upgraderChips(node as UpgraderNode).chips);
    return { width: WIDTH.card, height: HEIGHT.upgrader + (rows ? CHIPS.top + rows * CHIPS.row + (rows - 1) * CHIPS.gap : 0) };
  }
  return { width: WIDTH.card, height: node.type === 'service' ? HEIGHT.service : HEIGHT.handler };
}

/** Handles as React Flow would measure them: inputs on the left edge, outputs on the right. */
export function cardHandles(node: FlowNode, size: Size): NodeHandle[] {
  const inner = size.height - BORDER.top - BORDER.bottom;
  const at = (fraction: number) => BORDER.top + inner * fraction - HANDLE / 2;
  const left = BORDER.side - HANDLE / 2;
  const right = size.width - BORDER.side - HANDLE / 2;
  const handles: NodeHandle[] = [];
  if (node.type !== 'upgrader') handles.push({ id: null, type: 'target', position: Position.Left, x: left, y: at(0.5), width: HANDLE, height: HANDLE });
  const ports = actionPorts(node);
  if (hasPortRows(node.type, ports)) {
    // The rows start where a one-line card's bottom padding and border would.
    const first = HEIGHT.action - BORDER.bottom - PADDING_BOTTOM + PORT_ROWS.gap;
    ports.forEach((port, i) => handles.push({ id: port, type: 'source', position: Position.Right, x: right, y: first + (i + 0.5) * PORT_ROWS.row - HANDLE / 2, width: HANDLE, height: HANDLE }));
  } else if (cardFamily(node.type) !== 'action' || ports.length === 1) {
    handles.push({ id: null, type: 'source', position: Position.Right, x: right, y: at(0.5), width: HANDLE, height: HANDLE });
  }
  return handles;
}
