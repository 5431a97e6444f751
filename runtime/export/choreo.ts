/**
 * `.choreo/component.yaml` (schemaVersion 1.2): one `WS` endpoint for the flow's listener,
 * pointing at `asyncapi.yaml`. Every rule in CHOREO_RULES (docs/export.md) is checked here, before anything is
 * written, so an export never produces a file Choreo would reject.
 *
 * Base path: Choreo has one base path per endpoint, while a flow may have several upgraders.
 * We use the longest common prefix of the upgraders' base paths, segment by segment (`/` when
 * they share none); the channels in asyncapi.yaml keep their full paths.
 */
import type { FlowDocument, UpgraderNode } from '../model/types.ts';
import { ExportError } from './errors.ts';
import { commonBasePath, type ExportPlan } from './plan.ts';
import { toYaml } from './yaml.ts';
import { connectorEnv } from './connector-env.ts';

export const CHOREO_RULES = {
  schemaVersion: 1.2,
  endpointName: /^[a-z][a-z0-9_-]*$/,
  maxNameLength: 50,
  maxDisplayNameLength: 50,
  minPort: 1001,
  maxPort: 65534,
  basePath: /^\/[a-zA-Z0-9/_-]*$/,
  networkVisibilities: ['Public', 'Project', 'Organization'] as const,
  envName: /^[a-zA-Z_][a-zA-Z0-9_]*$/,
} as const;

export const ASYNCAPI_FILE = 'asyncapi.yaml';

type Visibility = (typeof CHOREO_RULES.networkVisibilities)[number];

function choreoError(field: string, message: string, nodeId?: string): ExportError {
  return new ExportError('WSF_EXPORT_CHOREO_RULE', `${field}: ${message}`, field, nodeId);
}

/** Optional `choreo: { networkVisibilities: [...] }` in the flow; `[Public]` by default. */
function visibilities(flow: FlowDocument): Visibility[] {
  const choreo = flow.choreo;
  const raw = choreo !== null && typeof choreo === 'object' ? (choreo as Record<string, unknown>).networkVisibilities : undefined;
  if (raw === undefined) return ['Public'];
  if (!Array.isArray(raw) || raw.length === 0) {
    throw choreoError('choreo.networkVisibilities', `must be a non-empty list of ${CHOREO_RULES.networkVisibilities.join(', ')}`);
  }
  const out: Visibility[] = [];
  for (const value of raw) {
    if (!(CHOREO_RULES.networkVisibilities as readonly unknown[]).includes(value)) {
      throw choreoError('choreo.networkVisibilities', `"${String(value)}" is not one of ${CHOREO_RULES.networkVisibilities.join(', ')}`);
    }
    if (!out.includes(value as Visibility)) out.push(value as Visibility);
  }
  return out;
}

export function choreoBasePath(plan: ExportPlan): string {
  const base = commonBasePath(plan.channels);
  if (!CHOREO_RULES.basePath.test(base)) {
    const index = plan.flow.nodes.findIndex((n) => n.type === 'upgrader' && base.startsWith((n as UpgraderNode).basePath ?? '/'));
    const upgrader = plan.flow.nodes[index];
    throw choreoError(
      index >= 0 ? `nodes[${index}].basePath` : 'basePath',
      `base path "${base}" has characters Choreo does not accept (letters, digits, /, _ and - only)`,
      upgrader?.id,
    );
  }
  return base;
}

/** Checks every Choreo rule and returns the endpoint; throws ExportError naming the field. */
export function choreoEndpoint(plan: ExportPlan): Record<string, unknown> {
  const flow = plan.flow;
  const name = flow.name;
  if (!CHOREO_RULES.endpointName.test(name)) {
    throw choreoError('name', `"${name}" is not a valid Choreo endpoint name (lower-case letter first, then a-z, 0-9, _ or -)`);
  }
  if (name.length > CHOREO_RULES.maxNameLength) {
    throw choreoError('name', `"${name}" is ${name.length} characters; Choreo endpoint names have at most ${CHOREO_RULES.maxNameLength}`);
  }
  const displayName = flow.displayName ?? name;
  if (displayName.length > CHOREO_RULES.maxDisplayNameLength) {
    throw choreoError(
      'displayName',
      `"${displayName}" is ${displayName.length} characters; Choreo display names have at most ${CHOREO_RULES.maxDisplayNameLength}`,
    );
  }
  const port = flow.listener.port;
  if (!Number.isInteger(port) || port < CHOREO_RULES.minPort || port > CHOREO_RULES.maxPort) {
    throw choreoError('listener.port', `${port} is outside Choreo's ${CHOREO_RULES.minPort}-${CHOREO_RULES.maxPort} range`);
  }
  for (const setting of plan.env) {
    if (!CHOREO_RULES.envName.test(setting.name)) {
      throw choreoError(setting.description, `environment variable name "${setting.name}" is not accepted by Choreo`);
    }
  }
  return {
    name,
    displayName,
    service: { basePath: choreoBasePath(plan), port },
    type: 'WS',
    networkVisibilities: visibilities(flow),
    schemaFilePath: ASYNCAPI_FILE,
  };
}

export function componentYaml(plan: ExportPlan): string {
  const doc: Record<string, unknown> = { schemaVersion: CHOREO_RULES.schemaVersion, endpoints: [choreoEndpoint(plan)] };
  // Connector variables (broker URLs, credentials): a form in the Choreo console, values never here.
  const variables = connectorEnv(plan.flow);
  for (const name of variables) if (!CHOREO_RULES.envName.test(name)) throw choreoError('configurations.env', `environment variable name "${name}" is not accepted by Choreo`);
  if (variables.length > 0) {
    doc.configurations = { env: variables.map((name) => ({ name, valueFrom: { configForm: { displayName: name, required: true, type: 'secret' } } })) };
  }
  const header =
    `# Choreo component configuration, generated by wsflow export.\n` +
    `# The endpoint's basePath is the longest common prefix of the flow's upgrader base paths;\n` +
    `# ${ASYNCAPI_FILE} lists every channel with its full path.\n`;
  return header + toYaml(doc);
}
