/**
 * OpenTelemetry traces of a running flow, only when `OTEL_EXPORTER_OTLP_ENDPOINT` (or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set: the official SDK and its OTLP/HTTP exporter are
 * `import()`ed then and never otherwise, so a service without a collector loads none of it.
 *
 * Spans come from the engine's trace stream, which is already sampled (at most
 * `traceSampleRate` invocations per second; failures and logs always): one span per handler or
 * upgrade-snippet invocation (node id, service, event, connection id, duration, error) and one
 * per upgrade outcome (upgrader, service, HTTP status). The SDK's own variables apply as usual
 * (OTEL_SERVICE_NAME, OTEL_TRACES_SAMPLER, OTEL_BSP_SCHEDULE_DELAY, OTEL_EXPORTER_OTLP_HEADERS...).
 */
import type { Attributes, Tracer } from '@opentelemetry/api';
import type { FlowDocument } from '../../model/types.ts';
import type { RunningFlow, TraceEvent } from '../contracts.ts';

export interface Telemetry {
  /** Stop listening and flush the spans still buffered (call after the flow stopped). */
  shutdown(): Promise<void>;
}

export function otelConfigured(env: Record<string, string | undefined>): boolean {
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
}

/** Which service each node belongs to (upgrader -> service -> handler edges). */
function servicesOf(flow: FlowDocument): Map<string, string> {
  const services = new Set(flow.nodes.filter((n) => n.type === 'service').map((n) => n.id));
  const of = new Map<string, string>();
  for (const e of flow.edges) {
    if (services.has(e.from)) of.set(e.to, e.from);
    else if (services.has(e.to)) of.set(e.from, e.to);
  }
  return of;
}

export async function startTelemetry(running: RunningFlow, flow: FlowDocument, env: Record<string, string | undefined>): Promise<Telemetry | undefined> {
  if (!otelConfigured(env)) return undefined;
  const [{ NodeTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }, api] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/api'),
  ]);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME?.trim() || flow.name, 'service.version': flow.version ?? '' }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  const tracer: Tracer = provider.getTracer('wsflow');
  const serviceOf = servicesOf(flow);
  const { SpanKind, SpanStatusCode } = api;

  const onEvent = (event: TraceEvent): void => {
    if (event.kind === 'invoke') {
      const attributes: Attributes = {
        'wsflow.node.id': event.nodeId,
        'wsflow.service': serviceOf.get(event.nodeId) ?? '',
        'wsflow.event': event.event,
        'wsflow.duration_ms': event.durationMs,
      };
      if (event.connectionId) attributes['wsflow.connection.id'] = event.connectionId;
      const span = tracer.startSpan(`wsflow handler ${event.event}`, { kind: SpanKind.INTERNAL, startTime: event.t - event.durationMs, attributes });
      if (event.error) {
        span.setAttribute('wsflow.error.code', event.error.code);
        span.recordException({ name: event.error.code, message: event.error.message }, event.t);
        span.setStatus({ code: SpanStatusCode.ERROR, message: event.error.message });
      }
      span.end(event.t);
    } else if (event.kind === 'connection' && event.state !== 'close') {
      const status = event.state === 'open' ? 101 : (event.status ?? 0);
      const span = tracer.startSpan('wsflow upgrade', {
        kind: SpanKind.SERVER,
        startTime: event.t,
        attributes: {
          'wsflow.node.id': event.upgraderId ?? '',
          'wsflow.service': event.serviceId ?? (event.upgraderId ? (serviceOf.get(event.upgraderId) ?? '') : ''),
          'http.response.status_code': status,
          'url.path': event.path,
        },
      });
      // Server-span convention: 5xx is the server's failure, 4xx the client's.
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: event.reason ?? `HTTP ${status}` });
      span.end(event.t);
    }
  };
  const subscription = running.subscribe(onEvent);
  return {
    async shutdown() {
      subscription.unsubscribe();
      await provider.shutdown();
    },
  };
}
