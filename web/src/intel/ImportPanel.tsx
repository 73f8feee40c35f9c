import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Role } from '../api/types.js';
import { useSignedIn } from '../auth/useSession.js';
import { formatBytes } from '../evidence/attachments/attachmentsApi.js';
import { formatCount } from '../i18n/format.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { importBundle, type ImportSummary } from './intelApi.js';

/** Roles that import bundles (`intel:write`). */
export const INTEL_WRITE: readonly Role[] = ['admin', 'coordinator', 'officer', 'analyst'];

type Phase = { phase: 'idle' } | { phase: 'sending'; sent: number; total: number } | { phase: 'done'; summary: ImportSummary } | { phase: 'failed'; error: unknown };

/**
 * Imports a STIX 2.1 bundle file: the upload's progress while it is sent (the node stores as it
 * reads), then what was stored, what it held already and each refused object with its reasons.
 */
export function ImportPanel({ onImported }: { onImported: () => void }) {
  const { t, i18n } = useTranslation();
  const { csrf_token } = useSignedIn();
  const [file, setFile] = useState<File | null>(null);
  const [state, setState] = useState<Phase>({ phase: 'idle' });
  const abort = useRef<(() => void) | null>(null);
  const bytes = (n: number) => formatBytes(n, i18n.resolvedLanguage ?? 'en');

  async function handleSubmit(e: FormEvent) {
    e.preventDefault();
    if (!file) return;
    setState({ phase: 'sending', sent: 0, total: file.size });
    const run = importBundle(file, csrf_token, (p) => setState((s) => (s.phase === 'sending' ? { phase: 'sending', ...p } : s)));
    abort.current = run.abort;
    try {
      const summary = await run.done;
      setState({ phase: 'done', summary });
      onImported();
    } catch (error) {
      setState({ phase: 'failed', error });
      onImported();
    } finally {
      abort.current = null;
    }
  }

  const percent = state.phase === 'sending' && state.total > 0 ? Math.floor((100 * state.sent) / state.total) : 0;
  return (
    <section className="intel-import card" aria-labelledby="intel-import-title">
      <h2 id="intel-import-title">{t('intel.import.title')}</h2>
      <form onSubmit={handleSubmit} className="intel-import-form">
        <div className="field">
          <label htmlFor="intel-file">{t('intel.import.file')}</label>
          <input id="intel-file" type="file" accept=".json,application/json,application/stix+json" onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} disabled={state.phase === 'sending'} />
        </div>
        <button type="submit" disabled={!file || state.phase === 'sending'}>
          {t('intel.import.start')}
        </button>
        {state.phase === 'sending' && (
          <button type="button" className="secondary" onClick={() => abort.current?.()}>
            {t('common.cancel')}
          </button>
        )}
      </form>
      {state.phase === 'sending' && (
        <div className="intel-progress">
          <progress max={100} value={percent} aria-label={t('intel.import.progress')} />
          <span role="status">{t('intel.import.sent', { percent, sent: bytes(state.sent), total: bytes(state.total) })}</span>
        </div>
      )}
      {state.phase === 'done' && <ImportResult summary={state.summary} />}
      {state.phase === 'failed' && <ErrorAlert error={state.error} />}
    </section>
  );
}

function ImportResult({ summary }: { summary: ImportSummary }) {
  const { t, i18n } = useTranslation();
  const count = (n: number) => formatCount(n, i18n.resolvedLanguage ?? 'en');
  return (
    <div className="intel-import-result" role="status" data-testid="import-result">
      <p>{t('intel.import.done', { read: count(summary.objects_read), stored: count(summary.stored), duplicates: count(summary.duplicates), refused: count(summary.refused) })}</p>
      {summary.refusals.length > 0 && (
        <details open={summary.refusals.length <= 5}>
          <summary>{t('intel.import.refusals', { count: summary.refusals.length })}</summary>
          <ul className="intel-refusals">
            {summary.refusals.map((r) => (
              <li key={r.index}>
                <strong>{t('intel.import.refusedAt', { index: r.index, id: r.id ?? '—' })}</strong>
                <ul>
                  {(r.errors as unknown as { path: string; code: string; message: string }[]).map((e, i) => (
                    <li key={i} data-code={e.code}>
                      {e.path && <code>{e.path}</code>} {e.message}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
