/**
 * F5 before the file has finished loading: the run must end up serving the loaded document, not
 * the empty one the designer showed when F5 was pressed. The test holds the backend's answer to
 * the file load (and then to the start) on the page's WebSocket, so the race happens every time:
 * start is sent with the empty document, the file loads while the start is under way, then the
 * run comes up.
 */
import { describe, expect, it } from 'vitest';
import type { WebSocketRoute } from 'playwright-core';
import { useHarness } from './harness.ts';
import { MOD, openTab } from './ui.ts';

const FLOW = `wsflow: 1
name: late
listener:
  port: 8080
nodes:
  - id: upgrader
    type: upgrader
    position: { x: 0, y: 40 }
    basePath: /late
  - id: service
    type: service
    position: { x: 320, y: 40 }
  - id: on-text
    type: onText
    position: { x: 640, y: 40 }
    code: |
      export default function onText(conn: Connection, text: string, ctx: ServiceContext) {
        conn.send('loaded: ' + text);
      }
edges:
  - { from: upgrader, to: service }
  - { from: service, to: on-text }
`;

/** Holds the backend's answers to chosen methods on the page's WebSocket until released; everything else passes. */
class Gate {
  private readonly gates = new Map<string, { ids: Set<number>; queue: string[]; open: boolean; asked: () => void; askedOnce: Promise<void> }>();
  private page: WebSocketRoute | undefined;

  constructor(methods: string[]) {
    for (const method of methods) {
      let asked = () => {};
      const askedOnce = new Promise<void>((resolve) => (asked = resolve));
      this.gates.set(method, { ids: new Set(), queue: [], open: false, asked, askedOnce });
    }
  }

  attach(page: WebSocketRoute): void {
    this.page = page;
    const server = page.connectToServer();
    page.onMessage((message) => {
      const request = JSON.parse(message.toString()) as { id?: number; method?: string };
      const gate = request.method ? this.gates.get(request.method) : undefined;
      if (gate && request.id !== undefined) {
        gate.ids.add(request.id);
        gate.asked();
      }
      server.send(message);
    });
    server.onMessage((message) => {
      const text = message.toString();
      const { id } = JSON.parse(text) as { id?: number };
      const gate = [...this.gates.values()].find((g) => id !== undefined && g.ids.has(id));
      if (gate && !gate.open) gate.queue.push(text);
      else page.send(message);
    });
  }

  /** Resolves once the page has asked for `method`. */
  asked(method: string): Promise<void> {
    return this.gate(method).askedOnce;
  }

  release(method: string): void {
    const gate = this.gate(method);
    gate.open = true;
    for (const text of gate.queue.splice(0)) this.page?.send(text);
  }

  private gate(method: string) {
    const gate = this.gates.get(method);
    if (!gate) throw new Error(`not gated: ${method}`);
    return gate;
  }
}

const h = useHarness({ files: { 'late.wsflow.yaml': FLOW }, open: 'late.wsflow.yaml' });

describe('F5 while the file is loading', () => {
  it('runs the loaded document', async () => {
    const { page } = h;
    await expect.poll(() => page.locator('.react-flow__node').count(), { timeout: 30_000 }).toBe(3);
    const gate = new Gate(['open', 'start']);
    await page.routeWebSocket(/token=/, (ws) => gate.attach(ws));
    await page.reload();
    await page.waitForSelector('[data-testid="statusbar"] .status-dot--ok', { timeout: 20_000 });
    await gate.asked('open');
    // The file has not arrived: an empty canvas. The user sets a free port and presses F5.
    await expect(page.locator('.react-flow__node').count()).resolves.toBe(0);
    await page.locator('[data-testid="run-port"]').click();
    await page.keyboard.press(`${MOD}+A`);
    await page.keyboard.type('0');
    await page.keyboard.press('F5');
    await gate.asked('start');
    // The file arrives while the run is starting; then the run comes up.
    gate.release('open');
    await expect.poll(() => page.locator('.react-flow__node').count(), { timeout: 30_000 }).toBe(3);
    gate.release('start');
    await page.locator('[data-testid="run-status"]').waitFor({ timeout: 30_000 });
    // The run catches up with the loaded document (a hot reload the status bar reports); a client
    // that connected before that would still meet the empty document the run started with.
    await page.locator('[data-testid="reload-note"]', { hasText: /^reloaded / }).waitFor({ timeout: 30_000 });

    // A client on the loaded document's path gets the loaded handler's answer.
    await openTab(page, 'clients');
    await page.click('[data-testid="client-connect"]');
    const timeline = page.locator('[data-testid="client-c1"] [data-testid="client-timeline"]');
    await timeline.locator('.tl--open').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="client-c1"] [data-testid="client-message"]').click();
    await page.keyboard.type('hi');
    await page.keyboard.press('Enter');
    await timeline.locator('.tl--received', { hasText: 'loaded: hi' }).waitFor({ timeout: 15_000 });
    await page.click('[data-testid="run-stop"]');
    await page.locator('[data-testid="run-start"]').waitFor({ timeout: 15_000 });
    expect(h.consoleErrors).toEqual([]);
  });
});
