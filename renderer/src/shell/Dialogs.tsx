/**
 * Modal dialogs: open, save as, export (lists the files written or the error), import AsyncAPI,
 * the "discard unsaved work?" confirmation, and the Run gate (RunGate.tsx).
 */
import { useEffect, useState } from 'react';
import type { FileEntry } from '../../../runtime/studio/protocol.ts';
import { errorMessage } from '../client.ts';
import { useCommands, useDesktop, useServices } from '../app-context.tsx';
import { isDirty, useStudio } from '../store.ts';
import { Modal } from './Modal.tsx';
import { RunGateDialog } from './RunGate.tsx';

export function Dialogs() {
  const dialog = useStudio((s) => s.dialog);
  const close = () => useStudio.getState().set({ dialog: undefined });
  if (dialog === 'open') return <OpenDialog onClose={close} />;
  if (dialog === 'saveAs') return <SaveAsDialog onClose={close} />;
  if (dialog === 'export') return <ExportDialog onClose={close} />;
  if (dialog === 'import') return <ImportDialog onClose={close} />;
  if (dialog === 'newConfirm') return <NewConfirm onClose={close} />;
  if (dialog === 'runGate') return <RunGateDialog onClose={close} />;
  if (dialog === 'makeComponent') return <MakeComponentDialog onClose={close} />;
  return null;
}

function useEntries(): { entries: FileEntry[] | undefined; error: string | undefined; root: string } {
  const [entries, setEntries] = useState<FileEntry[]>();
  const [error, setError] = useState<string>();
  const root = useStudio((s) => s.root);
  const services = useServices();
  useEffect(() => {
    services
      .listFiles().then((r) => setEntries(r.entries), (e: unknown) => setError(errorMessage(e)));
  }, [services]);
  return { entries, error, root };
}

function OpenDialog({ onClose }: { onClose: () => void }) {
  const services = useServices();
  const { entries, error, root } = useEntries();
  const flows = entries?.filter((e) => e.kind === 'flow') ?? [];
  const dirty = useStudio(isDirty);
  return (
    <Modal title="Open a flow" onClose={onClose} testId="dialog-open">
      <p className="muted small mono">{root}</p>
      {dirty && <p className="warn-note">You have unsaved changes; opening another flow discards them (a recovery copy is kept).</p>}
      {error && <p className="field__error">{error}</p>}
      {!entries && !error && <p className="muted">Loading…</p>}
      {entries && flows.length === 0 && <p className="muted">No *.wsflow.yaml files in this folder yet.</p>}
      <ul className="file-list">
        {flows.map((f) => (
          <li key={f.path}>
            <button className="file-list__item" onClick={() => void services.openFile(f.path)} data-testid={`open-${f.path}`}>
              <span className="mono">{f.path}</span>
              <span className="muted small">{new Date(f.mtimeMs).toLocaleString()}</span>
            </button>
          </li>
        ))}
      </ul>
    </Modal>
  );
}

function SaveAsDialog({ onClose }: { onClose: () => void }) {
  const services = useServices();
  const flowName = useStudio((s) => s.flow.name);
  const current = useStudio((s) => s.path);
  const [name, setName] = useState(current ?? `${flowName || 'flow'}.wsflow.yaml`);
  const [error, setError] = useState<string>();
  const [confirmOverwrite, setConfirmOverwrite] = useState(false);
  const submit = async () => {
    const target = /\.ya?ml$/i.test(name) ? name : `${name}.wsflow.yaml`;
    const failure = await services.saveAs(target, confirmOverwrite);
    if (failure && /already exists/.test(failure)) {
      setConfirmOverwrite(true);
      setError(`${target} already exists. Save again to replace it.`);
    } else setError(failure);
  };
  return (
    <Modal title="Save flow as" onClose={onClose} testId="dialog-saveAs">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label className="field">
          <span className="field__label">File name (in the studio folder)</span>
          <input className="input input--mono" value={name} onChange={(e) => setName(e.target.value)} data-testid="saveas-name" autoFocus />
          {error && <span className="field__error" role="alert">{error}</span>}
        </label>
        <div className="modal__actions">
          <button type="button" className="btn" onClick={onClose}>Cancel</button>
          <button type="submit" className="btn btn--primary" data-testid="saveas-submit">{confirmOverwrite ? 'Replace' : 'Save'}</button>
        </div>
      </form>
    </Modal>
  );
}

function MakeComponentDialog({ onClose }: { onClose: () => void }) {
  const services = useServices();
  const count = useStudio((s) => s.selectedNodes.length);
  const [name, setName] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    const failure = await services.makeComponent(name);
    setBusy(false);
    setError(failure);
  };
  return (
    <Modal title="Make component" onClose={onClose} testId="dialog-makeComponent">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <p className="muted small">
          The {count} selected step{count === 1 ? '' : 's'} move into a component file beside the flow, and one component node takes their place.
        </p>
        <label className="field">
          <span className="field__label">Component name (lower-case letters, digits and -)</span>
          <input className="input input--mono" value={name} onChange={(e) => setName(e.target.value)} data-testid="make-component-name" autoFocus placeholder="format-event" />
          <span className="muted small mono">{name.trim() ? `${name.trim()}.wsflow-component.yaml` : ' '}</span>
          {error && <span className="field__error" role="alert">{error}</span>}
        </label>
        <div className="modal__actions">
          <button type="button" className="btn" onClick={onClose}>Cancel</button>
          <button type="submit" className="btn btn--primary" disabled={busy || !name.trim()} data-testid="make-component-submit">Make component</button>
        </div>
      </form>
    </Modal>
  );
}

function ExportDialog({ onClose }: { onClose: () => void }) {
  const services = useServices();
  const desktop = useDesktop();
  const flowName = useStudio((s) => s.flow.name);
  const [outDir, setOutDir] = useState(`export/${flowName || 'flow'}`);
  const [asyncapi, setAsyncapi] = useState<'2.6' | '3.0'>('2.6');
  const [force, setForce] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ files: string[]; outDir: string }>();
  const [error, setError] = useState<string>();
  const submit = async () => {
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    try {
      setResult(await services.exportTo(outDir, asyncapi, force));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal title="Export deployable artifacts" onClose={onClose} testId="dialog-export">
      <p className="muted small">A standalone service, Dockerfile, docker-compose, Kubernetes manifests, Choreo component.yaml and AsyncAPI.</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label className="field">
          <span className="field__label">Output folder (in the studio folder)</span>
          <div className="input-row">
            <input className="input input--mono" value={outDir} onChange={(e) => setOutDir(e.target.value)} data-testid="export-dir" />
            {desktop && (
              <button
                type="button"
                className="btn"
                onClick={async () => {
                  const picked = await desktop?.pickExportFolder(outDir);
                  if (picked) setOutDir(picked);
                }}
              >
                Browse…
              </button>
            )}
          </div>
        </label>
        <div className="field-row">
          <label className="field">
            <span className="field__label">AsyncAPI version</span>
            <select className="input" value={asyncapi} onChange={(e) => setAsyncapi(e.target.value as '2.6' | '3.0')}>
              <option value="2.6">2.6 (Choreo, API Manager)</option>
              <option value="3.0">3.0</option>
            </select>
          </label>
          <label className="check">
            <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} data-testid="export-force" /> Overwrite existing files
          </label>
        </div>
        <div className="modal__actions">
          <button type="button" className="btn" onClick={onClose}>Close</button>
          <button type="submit" className="btn btn--primary" disabled={busy} data-testid="export-submit">{busy ? 'Exporting…' : 'Export'}</button>
        </div>
      </form>
      {error && <div className="result result--error" role="alert" data-testid="export-error">{error}</div>}
      {result && (
        <div className="result result--ok" data-testid="export-result">
          <p>Wrote {result.files.length} files to <span className="mono">{result.outDir}</span>:</p>
          <ul className="file-list file-list--compact">
            {result.files.map((f) => <li key={f} className="mono small">{f}</li>)}
          </ul>
        </div>
      )}
    </Modal>
  );
}

function ImportDialog({ onClose }: { onClose: () => void }) {
  const services = useServices();
  const { entries } = useEntries();
  const [error, setError] = useState<string>();
  // $refs to http(s) URLs are fetched by the studio only when the user says so.
  const [allowUrls, setAllowUrls] = useState(false);
  const candidates = entries?.filter((e) => e.kind === 'asyncapi') ?? [];
  const run = (source: { text: string; name: string } | { path: string }) => services.importAsyncApi({ ...source, allowUrls }).catch((e: unknown) => setError(errorMessage(e)));
  return (
    <Modal title="Import an AsyncAPI document" onClose={onClose} testId="dialog-import">
      <p className="muted small">Creates a flow with an upgrader per channel, a service, and handler stubs. AsyncAPI 2.x and 3.0, YAML or JSON.</p>
      <label className="field">
        <span className="field__label">From your computer</span>
        <input
          type="file"
          accept=".yaml,.yml,.json"
          data-testid="import-file"
          onChange={async (e) => {
            const file = e.target.files?.[0];
            if (file) await run({ text: await file.text(), name: file.name });
          }}
        />
      </label>
      <label className="check">
        <input type="checkbox" checked={allowUrls} onChange={(e) => setAllowUrls(e.target.checked)} data-testid="import-allow-urls" /> Also fetch $refs that are http(s) URLs
      </label>
      {candidates.length > 0 && (
        <>
          <span className="field__label">Or from the studio folder</span>
          <ul className="file-list">
            {candidates.map((f) => (
              <li key={f.path}>
                <button className="file-list__item" onClick={() => void run({ path: f.path })}>
                  <span className="mono">{f.path}</span>
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      {error && <div className="result result--error" role="alert">{error}</div>}
    </Modal>
  );
}

function NewConfirm({ onClose }: { onClose: () => void }) {
  const services = useServices();
  const commands = useCommands();
  return (
    <Modal title="Discard unsaved changes?" onClose={onClose} testId="dialog-new">
      <p>The current flow has unsaved changes.</p>
      <div className="modal__actions">
        <button className="btn" onClick={onClose}>Cancel</button>
        <button
          className="btn"
          onClick={async () => {
            if (!useStudio.getState().path) {
              // Nowhere to save yet: ask for a name first (the user picks New again afterwards).
              onClose();
              commands.run('file.saveAs');
            } else if (await services.save()) {
              services.newDocument();
              onClose();
            }
          }}
        >
          Save first
        </button>
        <button
          className="btn btn--danger"
          onClick={() => {
            services.newDocument();
            onClose();
          }}
        >
          Discard
        </button>
      </div>
    </Modal>
  );
}
