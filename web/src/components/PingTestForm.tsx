import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Group, Peer, PingTarget, PingTest } from '../api/types.js';
import { nodeName } from '../hooks/useNodeInfo.js';
import { useLanguage } from '../hooks/useLanguage.js';
import { DEFAULT_WINDOW_MINUTES, MAX_WINDOW_MINUTES } from '../hooks/usePingTests.js';
import { useAction } from '../hooks/useResource.js';
import { ErrorAlert } from './ErrorAlert.js';

type TargetKind = 'node' | 'group';

/** Starts a ping test of one peer or of every member of a group. */
export function PingTestForm({ peers, groups, onStart }: { peers: Peer[]; groups: Group[]; onStart: (target: PingTarget, windowMinutes: number) => Promise<PingTest[]> }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const id = useId();
  const [kind, setKind] = useState<TargetKind>('node');
  const [target, setTarget] = useState('');
  const [windowText, setWindowText] = useState(String(DEFAULT_WINDOW_MINUTES));
  const [started, setStarted] = useState<number | null>(null);
  const { busy, error, run } = useAction();
  const windowMinutes = Number(windowText);
  const windowValid = Number.isInteger(windowMinutes) && windowMinutes >= 1 && windowMinutes <= MAX_WINDOW_MINUTES;
  const activeGroups = groups.filter((g) => g.status === 'active');

  async function handleSubmit(e: FormEvent) {
    e.preventDefault();
    if (!target || !windowValid) return;
    setStarted(null);
    const tests = await run(() => onStart(kind === 'node' ? { node_id: target } : { group_id: target }, windowMinutes));
    if (tests) setStarted(tests.length);
  }

  return (
    <form className="card ping-test-form" onSubmit={(e) => void handleSubmit(e)} noValidate>
      <h2>{t('pingTests.startTitle')}</h2>
      <p className="hint">{t('pingTests.startIntro')}</p>
      <ErrorAlert error={error} />
      {started !== null && (
        <p className="alert alert-success" role="status" data-testid="ping-started">
          {t('pingTests.started', { n: started })}
        </p>
      )}
      <fieldset className="ping-target-kind">
        <legend>{t('pingTests.targetKind')}</legend>
        {(['node', 'group'] as const).map((k) => (
          <label key={k}>
            <input
              type="radio"
              name={`${id}-kind`}
              value={k}
              checked={kind === k}
              onChange={() => {
                setKind(k);
                setTarget('');
              }}
            />{' '}
            {t(`pingTests.kind.${k}`)}
          </label>
        ))}
      </fieldset>
      <div className="form-grid">
        <div className="field">
          <label htmlFor={`${id}-target`}>{kind === 'node' ? t('pingTests.targetNode') : t('pingTests.targetGroup')}</label>
          <select id={`${id}-target`} value={target} onChange={(e) => setTarget(e.target.value)} required>
            <option value="">{t('pingTests.choose')}</option>
            {kind === 'node'
              ? peers.map((p) => (
                  <option key={p.node_id} value={p.node_id}>
                    {nodeName(p, language)} ({p.node_id})
                  </option>
                ))
              : activeGroups.map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.name ?? g.id}
                  </option>
                ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-window`}>{t('pingTests.window')}</label>
          <input id={`${id}-window`} type="number" min={1} max={MAX_WINDOW_MINUTES} value={windowText} onChange={(e) => setWindowText(e.target.value)} aria-invalid={!windowValid} aria-describedby={`${id}-window-hint`} />
          <p id={`${id}-window-hint`} className={windowValid ? 'hint' : 'field-error'}>
            {windowValid ? t('pingTests.windowHint') : t('pingTests.windowRange', { max: MAX_WINDOW_MINUTES })}
          </p>
        </div>
      </div>
      <button type="submit" disabled={busy || !target || !windowValid}>
        {busy ? t('pingTests.starting') : t('pingTests.start')}
      </button>
    </form>
  );
}
