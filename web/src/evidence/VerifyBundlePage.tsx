import { useRef, useState, type ChangeEvent, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { BundleReport } from '../../../src/evidence/bundle/bundle.format.js';
import { verifyBundle } from '../../../src/evidence/bundle/bundle.verify.js';
import { PageHeader } from '../shared/ui/PageHeader.js';
import './evidence.css';

/** A picked file as a stream of chunks, read by the browser: nothing is uploaded anywhere. */
async function* chunksOf(file: Blob): AsyncGenerator<Uint8Array> {
  const reader = file.stream().getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    yield value;
  }
}

type State = { phase: 'idle' } | { phase: 'reading'; name: string; read: number; total: number } | { phase: 'done'; name: string; report: BundleReport } | { phase: 'failed'; name: string; error: string };

/**
 * Checks a case bundle entirely in the browser, with the same verifier as `accord bundle
 * verify` (src/evidence/bundle/bundle.verify.ts): works without signing in and without any
 * call to a server, so an auditor or a court can check a bundle offline.
 */
export function VerifyBundlePage() {
  const { t } = useTranslation();
  const [state, setState] = useState<State>({ phase: 'idle' });
  const input = useRef<HTMLInputElement>(null);

  async function check(file: File) {
    setState({ phase: 'reading', name: file.name, read: 0, total: file.size });
    let last = 0;
    try {
      const report = await verifyBundle(chunksOf(file), {
        onProgress: (read) => {
          // Redraw about every 1 % (and let the page breathe between chunks).
          if (read - last >= file.size / 100 || read === file.size) {
            last = read;
            setState({ phase: 'reading', name: file.name, read, total: file.size });
          }
        },
      });
      setState({ phase: 'done', name: file.name, report });
    } catch (e) {
      setState({ phase: 'failed', name: file.name, error: e instanceof Error ? e.message : String(e) });
    }
  }

  function onPick(e: ChangeEvent<HTMLInputElement>) {
    const f = e.target.files?.[0];
    if (f) void check(f);
  }
  function onDrop(e: DragEvent<HTMLDivElement>) {
    e.preventDefault();
    const f = e.dataTransfer.files[0];
    if (f) void check(f);
  }

  const busy = state.phase === 'reading';
  return (
    <div className="verify-bundle">
      <PageHeader title={t('verifyBundle.title')} intro={t('verifyBundle.intro')} />
      <div className="card drop-zone" onDragOver={(e) => e.preventDefault()} onDrop={onDrop} data-testid="bundle-drop">
        <p>{t('verifyBundle.pick')}</p>
        <input ref={input} type="file" accept=".accord-bundle,application/x-tar" onChange={onPick} disabled={busy} aria-label={t('verifyBundle.file')} data-testid="bundle-file" />
        <p className="hint">{t('verifyBundle.offline')}</p>
      </div>
      {state.phase === 'reading' && (
        <div className="card" role="status">
          <p>{t('verifyBundle.reading', { name: state.name })}</p>
          <progress value={state.read} max={state.total || 1} data-testid="bundle-progress" />
          <span className="progress-figure">{state.total ? Math.floor((state.read / state.total) * 100) : 100} %</span>
        </div>
      )}
      {state.phase === 'failed' && (
        <div className="alert alert-error" role="alert">
          <p>{t('verifyBundle.failed', { name: state.name, error: state.error })}</p>
        </div>
      )}
      {state.phase === 'done' && <Report name={state.name} report={state.report} />}
    </div>
  );
}

function Report({ name, report: r }: { name: string; report: BundleReport }) {
  const { t } = useTranslation();
  const c = r.checked;
  return (
    <section className="card bundle-report" data-testid="bundle-report" data-ok={r.ok ? 'true' : 'false'}>
      <div className={r.ok ? 'alert alert-success' : 'alert alert-error'} role="status">
        <p className="alert-title">{r.ok ? t('verifyBundle.verified', { name }) : t('verifyBundle.notVerified', { name, count: r.problems.length })}</p>
      </div>
      {r.case_id && (
        <dl className="facts">
          <dt>{t('verifyBundle.case')}</dt>
          <dd>{r.case_id}</dd>
          <dt>{t('verifyBundle.exportedBy')}</dt>
          <dd>
            {r.exported_by}, {r.created_at}
          </dd>
          <dt>{t('verifyBundle.fingerprint')}</dt>
          <dd className="fingerprint">{r.exporter_fingerprint?.match(/.{1,4}/g)?.join(' ') ?? '—'}</dd>
          <dt>{t('verifyBundle.attachments')}</dt>
          <dd>{r.attachments_included ? t('verifyBundle.included') : t('verifyBundle.hashesOnly')}</dd>
        </dl>
      )}
      <p className="hint">{t('verifyBundle.compareFingerprint')}</p>
      <p data-testid="bundle-checked">
        {t('verifyBundle.checked', { members: c.members, bytes: c.bytes, keys: c.keys, signatures: c.signatures, events: c.events, receipts: c.receipts, custody: c.custody_entries, attachments: c.attachments })}
      </p>
      {r.problems.length > 0 && (
        <table className="table compact">
          <thead>
            <tr>
              <th>{t('verifyBundle.code')}</th>
              <th>{t('verifyBundle.part')}</th>
              <th>{t('verifyBundle.what')}</th>
            </tr>
          </thead>
          <tbody>
            {r.problems.map((p, i) => (
              <tr key={i} data-testid="bundle-problem">
                <td>
                  <code>{p.code}</code>
                </td>
                <td>
                  <code>{p.path ?? '—'}</code>
                </td>
                <td>{p.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
