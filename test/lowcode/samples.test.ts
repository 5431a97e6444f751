/**
 * The low-code samples hold no snippet at all (no `code` node, no upgrader or handler `code`) and
 * validate cleanly, type checks included; their behaviour is checked by the chat and echo checks
 * (test/samples/*-lowcode.test.ts, test/export/lowcode-exported.test.ts).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateFlowFile } from '../../runtime/check/index.ts';
import { CHAIN_EVENTS } from '../../runtime/model/chain-scope.ts';
import { REPO_ROOT } from '../helpers/cli.ts';

describe('low-code samples', () => {
  for (const name of ['chat-lowcode', 'echo-lowcode', 'chat-components']) {
    it(`${name} has no snippet anywhere and is valid`, async () => {
      const { flow, problems } = await validateFlowFile(join(REPO_ROOT, 'samples', `${name}.wsflow.yaml`));
      expect(problems).toEqual([]);
      const nodes = flow?.nodes ?? [];
      expect(nodes.filter((n) => n.type === 'code')).toEqual([]);
      expect(nodes.filter((n) => (CHAIN_EVENTS as readonly string[]).includes(n.type) && n.code !== undefined).map((n) => n.id)).toEqual([]);
      expect(nodes.some((n) => n.type === 'reply' || n.type === 'broadcast')).toBe(true);
    }, 120_000);
  }
});
