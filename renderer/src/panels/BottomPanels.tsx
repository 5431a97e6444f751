/**
 * The bottom dock: a tab list (Problems, Environment, Trace, Test clients) whose body is sized by the splitter
 * above it and which collapses to the tab row (its own button; a tab click only opens). Adding a panel is one entry in `tabs` and its body.
 */
import { useCommands } from '../app-context.tsx';
import { useStudio, type BottomTab } from '../store.ts';
import { TestMarks, TestsPanel } from '../tests/TestsPanel.tsx';
import { ClientsPanel } from './ClientsPanel.tsx';
import { EnvironmentPanel } from './EnvironmentPanel.tsx';
import { RunCharts } from '../run/RunCharts.tsx';
import { ProblemsList } from './ProblemsList.tsx';
import { TraceList } from './TraceList.tsx';
import { DebugPanel } from '../debug/DebugPanel.tsx';

export function BottomPanels({ height }: { height: number }) {
  const tab = useStudio((s) => s.bottomTab);
  const open = useStudio((s) => s.layout.dockOpen);
  const problems = useStudio((s) => s.problems);
  const runtime = useStudio((s) => s.runtimeErrors.length);
  const traceCount = useStudio((s) => s.trace.length);
  const clients = useStudio((s) => s.clients.length);
  const showTab = useStudio((s) => s.showTab);
  const paused = useStudio((s) => s.paused.length);
  const envUnset = useStudio((s) => Object.values(s.envStatus).filter((v) => !v.set).length);
  const commands = useCommands();
  const errors = problems.filter((p) => p.severity === 'error').length + runtime;
  const tabs: { id: BottomTab; label: string; count?: number | undefined; alert?: boolean }[] = [
    { id: 'problems', label: 'Problems', count: problems.length + runtime, alert: errors > 0 },
    { id: 'environment', label: 'Environment', count: envUnset || undefined },
    { id: 'trace', label: 'Trace', count: traceCount || undefined },
    { id: 'clients', label: 'Test clients', count: clients || undefined },
    { id: 'tests', label: 'Tests' },
    { id: 'metrics', label: 'Metrics' },
    { id: 'debug', label: 'Debug', count: paused || undefined, alert: paused > 0 },
  ];
  return (
    <section className={`dock nokey ${open ? '' : 'dock--closed'}`} style={open ? { height } : undefined} aria-label="Bottom panel">
      <div className="dock__tabs">
        <div className="dock__tablist" role="tablist" aria-label="Panels">
          {tabs.map((t) => (
            <button
              key={t.id}
              role="tab"
              aria-selected={open && tab === t.id}
              data-testid={`tab-${t.id}`}
              className={`dock__tab ${open && tab === t.id ? 'dock__tab--active' : ''}`}
              // Clicking the open tab keeps it open; the button at the right collapses the panel.
              onClick={() => showTab(t.id)}
            >
              {t.label}
              {t.count !== undefined && <span className={`count ${t.alert ? 'count--error' : ''}`}>{t.count}</span>}
            </button>
          ))}
        </div>
        <span className="dock__spacer" />
        <button
          className="btn btn--ghost btn--small"
          aria-label={open ? 'Hide the bottom panel' : 'Show the bottom panel'}
          aria-expanded={open}
          title={open ? 'Hide the bottom panel' : 'Show the bottom panel'}
          onClick={() => commands.run('view.togglePanel')}
          data-testid="dock-toggle"
        >
          <span aria-hidden>{open ? '▾' : '▴'}</span>
        </button>
      </div>
      {open && (
        <div className="dock__body" role="tabpanel">
          {tab === 'problems' && <ProblemsList />}
          {tab === 'environment' && <EnvironmentPanel />}
          {tab === 'trace' && <TraceList />}
          {tab === 'clients' && <ClientsPanel />}
          {tab === 'tests' && <TestsPanel />}
          {tab === 'metrics' && <RunCharts />}
          {tab === 'debug' && <DebugPanel />}
        </div>
      )}
      <TestMarks />
    </section>
  );
}
