/**
 * A connector card's live state while the flow runs: a pill (connected, reconnecting, down,
 * connecting; idle until a connection uses the node) with the reason when it is not connected, and
 * the messages that went each way. Drawn under the card, outside its box, so the card keeps its
 * size (card-geometry.ts) whether the flow runs or not.
 */
import { useStudio } from '../store.ts';
import './run.css';

const LABEL = { connecting: 'connecting', connected: 'connected', reconnecting: 'reconnecting', down: 'down' } as const;

export function ConnectorState({ nodeId }: { nodeId: string }) {
  const running = useStudio((s) => s.run !== undefined);
  const live = useStudio((s) => s.connectors[nodeId]);
  if (!running) return null;
  const state = live?.state ?? 'idle';
  const text = live ? LABEL[live.state] : 'idle';
  const counts = live ? `${live.messagesIn.toLocaleString()} in · ${live.messagesOut.toLocaleString()} out` : 'no connection yet';
  const title = live ? `${text}${live.reason ? `: ${live.reason}` : ''} — ${counts} since the run started` : 'No connection has used this connector yet';
  return (
    <div className={`conn-state conn-state--${state}`} data-testid={`connector-state-${nodeId}`} data-state={state} title={title} role="status">
      <span className="conn-state__pill">
        <i aria-hidden />
        {text}
      </span>
      <span className="conn-state__counts">{counts}</span>
      {live?.reason && <span className="conn-state__reason">{live.reason}</span>}
    </div>
  );
}
