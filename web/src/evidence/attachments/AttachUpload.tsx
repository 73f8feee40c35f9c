import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Upload, type PreviousUpload } from 'tus-js-client';
import { useSignedIn } from '../../auth/useSession.js';
import { formatBytes, uploadsPath } from './attachmentsApi.js';

/** Bytes per PATCH: a broken connection loses at most this much, and progress moves smoothly. */
const CHUNK_BYTES = 4 * 1024 * 1024;

type Phase =
  | { phase: 'idle' }
  | { phase: 'uploading'; sent: number; total: number; startedAt: number; startOffset: number; resumedFrom: number | null }
  | { phase: 'failed'; sent: number; total: number; error: string }
  | { phase: 'done'; name: string; sha256: string | null };

/**
 * Attaches a file to a case with tus (resumable upload) straight from the browser, in chunks,
 * with progress (percentage, bytes, speed) and cancel. tus-js-client keeps each upload's URL
 * in the browser's storage under the file's fingerprint: an upload broken off (network,
 * closed tab, node restart) resumes from the node's offset when the same file is attached again.
 */
export function AttachUpload({ caseId, onUploaded }: { caseId: string; onUploaded: () => void }) {
  const { t, i18n } = useTranslation();
  const language = i18n.resolvedLanguage ?? 'en';
  const { csrf_token } = useSignedIn();
  const [file, setFile] = useState<File | null>(null);
  const [description, setDescription] = useState('');
  const [previous, setPrevious] = useState<PreviousUpload | null>(null);
  const [state, setState] = useState<Phase>({ phase: 'idle' });
  const upload = useRef<Upload | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  function makeUpload(f: File): Upload {
    let attachmentSha: string | null = null;
    const u = new Upload(f, {
      endpoint: uploadsPath(caseId),
      chunkSize: CHUNK_BYTES,
      retryDelays: [0, 1000, 3000],
      metadata: { filename: f.name, filetype: f.type || 'application/octet-stream', ...(description.trim() ? { description: description.trim() } : {}) },
      headers: csrf_token ? { 'X-CSRF-Token': csrf_token } : {},
      // One upload per case and file: the same file attached to another case is another upload.
      fingerprint: (input: File) => Promise.resolve(`accord-evidence:${caseId}:${input.name}:${input.size}:${input.lastModified}`),
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      onAfterResponse: (req, res) => {
        attachmentSha = res.getHeader('accord-attachment-sha256') ?? attachmentSha;
        // A resume starts with HEAD: the node tells how much it already has.
        if (req.getMethod() === 'HEAD' && res.getStatus() === 200) {
          const offset = Number(res.getHeader('upload-offset'));
          if (Number.isSafeInteger(offset)) setState((s) => (s.phase === 'uploading' ? { ...s, sent: offset, startOffset: offset, startedAt: performance.now(), resumedFrom: offset } : s));
        }
      },
      onProgress: (sent, total) => setState((s) => (s.phase === 'uploading' ? { ...s, sent, total } : s)),
      onError: (e) => {
        setState((s) => ({ phase: 'failed', sent: s.phase === 'uploading' ? s.sent : 0, total: f.size, error: e.message }));
      },
      onSuccess: () => {
        setState({ phase: 'done', name: f.name, sha256: attachmentSha });
        setFile(null);
        setPrevious(null);
        setDescription('');
        if (fileInput.current) fileInput.current.value = '';
        onUploaded();
      },
    });
    upload.current = u;
    return u;
  }

  // A picked file: is there an upload of it that was broken off?
  useEffect(() => {
    setPrevious(null);
    if (!file) return;
    let live = true;
    void makeUpload(file)
      .findPreviousUploads()
      .then((found) => {
        if (live) setPrevious(found.sort((a, b) => b.creationTime.localeCompare(a.creationTime))[0] ?? null);
      })
      .catch(() => {});
    return () => {
      live = false;
    };
    // makeUpload reads the current props; the search is per file.
  }, [file, caseId]);

  useEffect(() => () => void upload.current?.abort(false), []);

  function start(e?: FormEvent) {
    e?.preventDefault();
    if (!file) return;
    const u = makeUpload(file);
    if (previous) u.resumeFromPreviousUpload(previous);
    setState({ phase: 'uploading', sent: 0, total: file.size, startedAt: performance.now(), startOffset: 0, resumedFrom: null });
    u.start();
  }

  /** After a failure: the same upload goes on from the node's offset (tus HEAD). */
  function resume() {
    const u = upload.current;
    if (!u || !file) return start();
    setState({ phase: 'uploading', sent: 0, total: file.size, startedAt: performance.now(), startOffset: 0, resumedFrom: null });
    u.start();
  }

  function cancel() {
    const u = upload.current;
    upload.current = null;
    setState({ phase: 'idle' });
    setPrevious(null);
    // Termination: the node discards what it received.
    void u?.abort(true).catch(() => {});
  }

  const busy = state.phase === 'uploading';
  const percent = (sent: number, total: number) => (total ? Math.floor((sent / total) * 100) : 100);
  return (
    <form className="attach-form" onSubmit={start} data-testid="attach-form">
      <h3>{t('evidence.attach.title')}</h3>
      <div className="field">
        <label htmlFor="attach-file">{t('evidence.attach.file')}</label>
        <input id="attach-file" ref={fileInput} type="file" disabled={busy} onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="attach-file" />
      </div>
      <div className="field">
        <label htmlFor="attach-description">{t('evidence.attach.description')}</label>
        <textarea id="attach-description" rows={2} maxLength={4000} value={description} disabled={busy} onChange={(e) => setDescription(e.target.value)} />
      </div>
      {previous && file && !busy && (
        <p className="status status-warn" data-testid="attach-resumable">
          {t('evidence.attach.resumable', { name: file.name })}
        </p>
      )}
      <div className="button-row">
        <button type="submit" disabled={!file || busy} data-action="attach">
          {previous && file ? t('evidence.attach.resume') : t('evidence.attach.upload')}
        </button>
        {(busy || state.phase === 'failed') && (
          <button type="button" className="secondary" onClick={cancel} data-action="cancel-upload">
            {t('evidence.attach.cancel')}
          </button>
        )}
      </div>
      {state.phase === 'uploading' && (
        <div className="upload-progress" role="status" data-testid="upload-progress" data-sent={state.sent} data-total={state.total}>
          {state.resumedFrom !== null && <p data-testid="upload-resumed">{t('evidence.attach.resumedFrom', { bytes: formatBytes(state.resumedFrom, language) })}</p>}
          <progress value={state.sent} max={state.total || 1} />
          <span className="progress-figure">
            {t('evidence.attach.progress', {
              percent: percent(state.sent, state.total),
              sent: formatBytes(state.sent, language),
              total: formatBytes(state.total, language),
              speed: formatBytes(speed(state), language),
            })}
          </span>
        </div>
      )}
      {state.phase === 'failed' && (
        <div className="alert alert-error" role="alert" data-testid="upload-failed">
          <p>{t('evidence.attach.failed', { error: state.error })}</p>
          <p>{t('evidence.attach.failedHint', { sent: formatBytes(state.sent, language), total: formatBytes(state.total, language) })}</p>
          <button type="button" onClick={resume} data-action="resume-upload">
            {t('evidence.attach.resume')}
          </button>
        </div>
      )}
      {state.phase === 'done' && (
        <p className="alert alert-success" role="status" data-testid="upload-done">
          {t('evidence.attach.done', { name: state.name })}
          {state.sha256 && (
            <>
              {' '}
              <code className="hash">{state.sha256}</code>
            </>
          )}
        </p>
      )}
    </form>
  );
}

/** Bytes per second since this session of the upload started (a resume counts from its own start). */
function speed(s: { sent: number; startOffset: number; startedAt: number }): number {
  const seconds = (performance.now() - s.startedAt) / 1000;
  return seconds > 0.2 ? Math.max(0, s.sent - s.startOffset) / seconds : 0;
}
