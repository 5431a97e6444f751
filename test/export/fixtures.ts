/** Flows for the export tests: the five samples (parsed, not type-checked) and small variations. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFlow } from '../../runtime/model/parse.ts';
import type { FlowDocument } from '../../runtime/model/types.ts';
import { REPO_ROOT } from '../helpers/cli.ts';
import { componentTextsSync } from '../helpers/components.ts';

export const SAMPLES = ['chat', 'echo', 'choreo-chat', 'notifications', 'rooms'] as const;
export type Sample = (typeof SAMPLES)[number];
/** The samples plus their low-code twins (which share the samples' checks, not their goldens). */
export type AnySample = Sample | 'chat-lowcode' | 'echo-lowcode' | 'chat-components' | 'mqtt-bridge' | 'nats-bridge' | 'amqp-bridge' | 'ws-proxy';

export function samplePath(sample: AnySample): string {
  return join(REPO_ROOT, 'samples', `${sample}.wsflow.yaml`);
}

/** The flow as it runs: components inlined (read here, synchronously, as the CLI reads them). */
export function loadFlow(path: string): FlowDocument {
  const text = readFileSync(path, 'utf8');
  const parsed = parseFlow(text, path, { components: componentTextsSync(text, path) });
  const errors = parsed.problems.filter((p) => p.severity === 'error');
  if (!parsed.inlined || errors.length > 0) throw new Error(`${path}: ${errors.map((p) => p.message).join('; ')}`);
  return parsed.inlined.flow;
}

/** The sample's tests (samples/NAME.wsflow.test.yaml), as the export copies them. */
export function sampleTests(sample: AnySample): { fileName: string; content: string } {
  const fileName = `${sample}.wsflow.test.yaml`;
  return { fileName, content: readFileSync(join(REPO_ROOT, 'samples', fileName), 'utf8') };
}

export function loadSample(sample: AnySample): FlowDocument {
  return loadFlow(samplePath(sample));
}

/** A deep copy of a sample with some fields changed. */
export function variant(sample: Sample, change: (flow: FlowDocument) => void): FlowDocument {
  const flow = structuredClone(loadSample(sample));
  change(flow);
  return flow;
}
