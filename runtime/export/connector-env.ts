/**
 * What a flow's integration nodes need from a deployment: the variables their `${env.NAME}`
 * fields read (listed, never given a value: they hold broker URLs and credentials), and the
 * brokers a local `docker compose up` should start beside the service.
 */
import { envVariables } from '../model/connectors.ts';
import { kindOf } from '../model/registry.ts';
import { wholeEnvRef } from '../model/env-refs.ts';
import type { FlowDocument } from '../model/types.ts';

export interface LocalBroker {
  /** compose service name */
  service: string;
  image: string;
  command?: readonly string[];
  /** the variable that names the broker (the whole `url` field is `${env.NAME}`) */
  variable: string;
  /** its value inside compose */
  url: string;
}

/** Kubernetes Secret that holds the connector variables (created by the operator, not by wsflow). */
export function connectorSecretName(flow: FlowDocument): string {
  return `${flow.name}-env`;
}

export function connectorEnv(flow: FlowDocument): string[] {
  return envVariables(flow);
}

/** Brokers the flow's connector nodes use through a single `${env.NAME}` url (their kind's `composeBroker`). */
export function localBrokers(flow: FlowDocument): LocalBroker[] {
  const found = new Map<string, LocalBroker>();
  for (const node of flow.nodes) {
    const url = typeof node.url === 'string' ? wholeEnvRef(node.url) : undefined;
    if (!url) continue;
    const broker = kindOf(node.type)?.composeBroker;
    if (broker) found.set(broker.service, { ...broker, variable: url });
  }
  return [...found.values()].sort((a, b) => (a.service < b.service ? -1 : 1));
}
