/**
 * Message shapes compile as the engine compiles them: a flow that validates must run (and its
 * export must start), so an incoming schema that ajv cannot compile is a located problem here
 * rather than an internal error at start. An error when `validateIncoming` makes the engine
 * compile it, a warning otherwise.
 */
import { MODEL_CODES as C } from '../model/codes.ts';
import type { Locator } from '../model/locate.ts';
import type { FlowDocument, Problem, ServiceNode } from '../model/types.ts';
import { messageSchemaErrors } from '../model/message-schemas.ts';

export function checkMessageSchemas(flow: FlowDocument, locate: Locator, file?: string): Problem[] {
  const problems: Problem[] = [];
  // A document whose `nodes` is not a list has its structural problem reported already.
  if (!Array.isArray(flow.nodes)) return problems;
  flow.nodes.forEach((node, nodeIndex) => {
    if (!node || typeof node !== 'object' || node.type !== 'service') return;
    const service = node as ServiceNode;
    if (!Array.isArray(service.messages?.incoming)) return;
    for (const { index, message } of messageSchemaErrors(service)) {
      const at = locate(['nodes', nodeIndex, 'messages', 'incoming', index, 'schema']) ?? locate(['nodes', nodeIndex]);
      const name = service.messages?.incoming?.[index]?.name ?? String(index);
      problems.push({
        severity: service.validateIncoming ? 'error' : 'warning',
        code: C.MESSAGE_SCHEMA_INVALID,
        message: `the schema of incoming message "${name}" cannot be compiled: ${message}`,
        file,
        line: at?.line,
        col: at?.col,
        nodeId: service.id,
        field: `messages.incoming.${index}.schema`,
      });
    }
  });
  return problems;
}
