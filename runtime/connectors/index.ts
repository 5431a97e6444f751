/**
 * Outbound integrations of a flow: `createConnectors` is what the CLI, the studio and exported
 * services pass to the engine (`startFlow(compiled, { connectors: createConnectors })`).
 */
export { createConnectors } from './hub.ts';
export { ConnectorError } from './errors.ts';
