/**
 * The Kubernetes objects more than one exporter writes (the service's own Deployment and Service
 * in k8s.ts, the quick-start Redis in cluster.ts): one builder each, so the exported manifests
 * share one shape (keys in the same order, the same defaults).
 */

type Labels = Record<string, string>;

export interface DeploymentParts {
  name: string;
  labels: Labels;
  selector: Labels;
  replicas: number;
  /** e.g. `{ type: 'Recreate' }`; absent: Kubernetes' rolling update. */
  strategy?: Record<string, unknown>;
  /** Pod annotations (absent: none written). */
  podAnnotations?: Record<string, string>;
  /** The pod template's spec (containers, security context, volumes ...). */
  podSpec: Record<string, unknown>;
}

export function deploymentObject(
  parts: DeploymentParts,
): Record<string, unknown> {
  const { name, labels, selector } = parts;
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, labels },
    spec: {
      replicas: parts.replicas,
      ...(parts.strategy ? { strategy: parts.strategy } : {}),
      selector: { matchLabels: selector },
      template: {
        metadata: parts.podAnnotations
          ? { labels, annotations: parts.podAnnotations }
          : { labels },
        spec: parts.podSpec,
      },
    },
  };
}

/** A ClusterIP Service exposing one named container port. */
export function clusterIpService(
  name: string,
  labels: Labels,
  selector: Labels,
  port: { name: string; port: number },
): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, labels },
    spec: {
      type: "ClusterIP",
      selector,
      ports: [
        {
          name: port.name,
          port: port.port,
          targetPort: port.name,
          protocol: "TCP",
        },
      ],
    },
  };
}
