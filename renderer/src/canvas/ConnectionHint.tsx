/** While dragging a connection onto a node it may not reach: why, beside the pointer. */
import { useConnection, useReactFlow } from '@xyflow/react';
import { canConnect } from '../../../runtime/model/edges.ts';
import { useStudio } from '../store.ts';

export function ConnectionHint() {
  const connection = useConnection();
  const flow = useStudio((s) => s.flow);
  const rf = useReactFlow();
  if (!connection.inProgress || !connection.toNode || connection.isValid !== false || !connection.to) return null;
  const verdict = canConnect(flow, connection.fromNode.id, connection.toNode.id);
  if (verdict.ok) return null;
  const at = rf.flowToScreenPosition(connection.to);
  return (
    <div className="connect-hint" role="alert" data-testid="connect-hint" style={{ left: at.x + 14, top: at.y + 14 }}>
      {verdict.reason}
    </div>
  );
}
