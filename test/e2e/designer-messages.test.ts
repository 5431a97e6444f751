/**
 * The service inspector's message editor in the browser, on the echo sample: the declared messages
 * show, an added outgoing message with a schema is saved to the YAML, invalid schema JSON is
 * refused inline (not applied), and the sample's other messages and comments stay.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFlow } from '../../runtime/model/parse.ts';
import type { ServiceNode } from '../../runtime/model/types.ts';
import { useHarness } from './harness.ts';
import { MOD, selectNode, typeInto } from './ui.ts';

const ECHO = readFileSync(new URL('../../samples/echo.wsflow.yaml', import.meta.url), 'utf8');

const h = useHarness({ files: { 'echo.wsflow.yaml': ECHO }, open: 'echo.wsflow.yaml' });

describe('service message editor', () => {
  it('adds an outgoing message with a schema and saves it to the YAML', async () => {
    const { page } = h;
    await selectNode(page, 'echo');
    await expect(page.locator('[data-testid="message-name-outgoing-0"]').inputValue()).resolves.toBe('Echo');
    await expect(page.locator('[data-testid="message-name-incoming-0"]').inputValue()).resolves.toBe('Text');

    await page.click('[data-testid="message-add-outgoing"]');
    await page.locator('[data-testid="dirty-marker"]').waitFor();
    await typeInto(page, '[data-testid="message-name-outgoing-1"]', 'Stats');
    await page.selectOption('[data-testid="message-contentType-outgoing-1"]', 'application/json');
    await typeInto(page, '[data-testid="message-description-outgoing-1"]', 'Counters of the connection.');
    await typeInto(page, '[data-testid="message-schema-outgoing-1"]', '{"type": "object", "properties": ');
    await page.locator('[data-testid="message-schema-outgoing-1-error"]', { hasText: 'Invalid JSON' }).waitFor();
    await typeInto(page, '[data-testid="message-schema-outgoing-1"]', '{"type": "object", "required": ["count"], "properties": {"count": {"type": "integer"}}}');
    await page.locator('[data-testid="message-schema-outgoing-1-error"]').waitFor({ state: 'detached' });

    await page.keyboard.press(`${MOD}+S`);
    await page.locator('[data-testid="dirty-marker"]').waitFor({ state: 'detached', timeout: 10_000 });
    const saved = readFileSync(`${h.dir}/echo.wsflow.yaml`, 'utf8');
    expect(saved).toContain('name: Stats');
    expect(saved).toContain('# userver');
    const service = parseFlow(saved, 'echo.wsflow.yaml').flow?.nodes.find((n) => n.id === 'echo') as ServiceNode | undefined;
    expect(service?.messages?.outgoing).toEqual([
      { name: 'Echo', contentType: 'text/plain', description: 'The same text, sent back.', schema: { type: 'string' } },
      { name: 'Stats', contentType: 'application/json', description: 'Counters of the connection.', schema: { type: 'object', required: ['count'], properties: { count: { type: 'integer' } } } },
    ]);
    expect(service?.messages?.incoming?.map((m) => m.name)).toEqual(['Text']);
    expect(h.consoleErrors).toEqual([]);
  });
});
