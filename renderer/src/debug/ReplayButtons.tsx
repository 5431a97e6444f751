/**
 * Replay buttons (docs/designer.md#replay): the connection picked in the Trace panel's filter, or
 * a flow test, is sent again to the live run by test clients; breakpoints pause it as usual.
 */
import { useServices } from '../app-context.tsx';
import { useStudio } from '../store.ts';

export function ReplayConnectionButton({ connectionId }: { connectionId: string }) {
  const services = useServices();
  const running = useStudio((s) => !!s.run);
  return (
    <button className="btn btn--ghost btn--small" disabled={!running || !connectionId} title={connectionId ? `Send what ${connectionId} sent again, with a test client` : 'Pick a connection to replay it'} onClick={() => void services.replayConnection(connectionId)} data-testid="trace-replay">
      Replay
    </button>
  );
}

export function ReplayTestButton({ name, disabled }: { name: string; disabled: boolean }) {
  const services = useServices();
  return (
    <button className="btn btn--small btn--ghost" disabled={disabled} title="Send what this test sends, with test clients, without checking answers; breakpoints pause it" onClick={() => void services.replayTest(name)} data-testid="test-replay">
      Replay
    </button>
  );
}
