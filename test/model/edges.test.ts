import { describe, expect, it } from 'vitest';
import { canConnect } from '../../runtime/model/edges.ts';
import type { FlowDocument } from '../../runtime/model/types.ts';

const flow: FlowDocument = {
  wsflow: 1,
  name: 'demo',
  listener: { port: 9090 },
  nodes: [
    { id: 'up', type: 'upgrader' },
    { id: 'up2', type: 'upgrader' },
    { id: 'svc', type: 'service' },
    { id: 'svc2', type: 'service' },
    { id: 'text', type: 'onText', code: 'export default () => {}' },
    { id: 'text2', type: 'onText', code: 'export default () => {}' },
    { id: 'close', type: 'onClose', code: 'export default () => {}' },
  ],
  edges: [
    { from: 'up', to: 'svc' },
    { from: 'svc', to: 'text' },
  ],
};

describe('canConnect', () => {
  it('allows upgrader -> service and service -> handler', () => {
    expect(canConnect(flow, 'up2', 'svc')).toEqual({ ok: true });
    expect(canConnect(flow, 'up2', 'svc2')).toEqual({ ok: true });
    expect(canConnect(flow, 'svc', 'close')).toEqual({ ok: true });
    expect(canConnect(flow, 'svc2', 'text2')).toEqual({ ok: true });
  });

  it('refuses every other pairing with a reason the canvas can show', () => {
    const reason = (from: string, to: string) => {
      const result = canConnect(flow, from, to);
      expect(result.ok).toBe(false);
      return result.ok ? '' : result.reason;
    };
    expect(reason('up2', 'close')).toContain('An upgrader connects only to a service');
    expect(reason('svc', 'up')).toContain('A service connects only to handlers');
    expect(reason('text', 'svc')).toContain('cannot connect to anything');
    expect(reason('svc', 'svc')).toContain('cannot connect to itself');
    expect(reason('svc', 'svc2')).toContain('A service connects only to handlers');
    expect(reason('up', 'svc')).toContain('already connected');
    expect(reason('up', 'svc2')).toContain("already connects to 'svc'");
    expect(reason('svc2', 'text')).toContain("already belongs to 'svc'");
    expect(reason('svc', 'text2')).toContain("already has an onText handler ('text')");
    expect(reason('ghost', 'svc')).toContain("no node 'ghost'");
    expect(reason('svc', 'ghost')).toContain("no node 'ghost'");
  });

  it('binds connectors to a service, one backend per service, each connector to one service', () => {
    const bound: FlowDocument = {
      ...flow,
      nodes: [
        ...flow.nodes,
        { id: 'sub', type: 'mqttIn', url: '${env.MQTT_URL}', topic: 't' },
        { id: 'pub', type: 'mqttOut', url: '${env.MQTT_URL}', topic: 't' },
        { id: 'backend', type: 'wsBackend', url: '${env.BACKEND_URL}' },
        { id: 'backend2', type: 'wsBackend', url: '${env.BACKEND_URL}' },
      ],
      edges: [...flow.edges, { from: 'svc', to: 'sub' }, { from: 'svc', to: 'backend' }],
    };
    expect(canConnect(bound, 'svc', 'pub')).toEqual({ ok: true });
    expect(canConnect(bound, 'svc2', 'backend2')).toEqual({ ok: true });
    const refused = (from: string, to: string) => {
      const result = canConnect(bound, from, to);
      return result.ok ? '' : result.reason;
    };
    expect(refused('svc2', 'sub')).toBe("A connector belongs to one service; 'sub' already belongs to 'svc'.");
    expect(refused('svc', 'backend2')).toContain("already has a wsBackend ('backend')");
    expect(refused('sub', 'text')).toContain("'sub' (mqttIn) cannot connect");
  });
});
