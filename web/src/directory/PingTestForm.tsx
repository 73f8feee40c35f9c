import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Group, Peer, PingTarget, PingTestRecord } from '../api/types.js';
import { useAction } from '../shared/hooks/useResource.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { FormErrors } from '../shared/forms/FormErrors.js';
import { FormActions } from '../shared/ui/FormActions.js';
import { isWindow, PingTargetPicker, WindowField, type TargetKind } from './PingTestFields.js';
import { DEFAULT_WINDOW_MINUTES } from './usePingTests.js';

/** Starts a ping test of one peer or of every member of a group. */
export function PingTestForm({ peers, groups, onStart }: { peers: Peer[]; groups: Group[]; onStart: (target: PingTarget, windowMinutes: number) => Promise<PingTestRecord[]> }) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<TargetKind>('node');
  const [target, setTarget] = useState('');
  const [windowText, setWindowText] = useState(String(DEFAULT_WINDOW_MINUTES));
  const [started, setStarted] = useState<number | null>(null);
  const { busy, error, run } = useAction();
  const windowValid = isWindow(windowText);

  async function handleSubmit(e: FormEvent) {
    e.preventDefault();
    if (!target || !windowValid) return;
    setStarted(null);
    const tests = await run(() => onStart(kind === 'node' ? { node_id: target } : { group_id: target }, Number(windowText)));
    if (tests) setStarted(tests.length);
  }

  function handleTarget(k: TargetKind, value: string) {
    setKind(k);
    setTarget(value);
  }

  return (
    <form className="card ping-test-form" onSubmit={(e) => void handleSubmit(e)} noValidate>
      <h2>{t('pingTests.startTitle')}</h2>
      <p className="hint">{t('pingTests.startIntro')}</p>
      <FormErrors error={error} operation="POST /api/v1/ping-tests">
      <ErrorAlert error={error} />
      {started !== null && (
        <p className="alert alert-success" role="status" data-testid="ping-started">
          {t('pingTests.started', { n: started })}
        </p>
      )}
      <PingTargetPicker peers={peers} groups={groups} kind={kind} target={target} onChange={handleTarget}>
        <WindowField value={windowText} onChange={setWindowText} />
      </PingTargetPicker>
      <FormActions label={t('pingTests.start')} busyLabel={t('pingTests.starting')} busy={busy} disabled={!target || !windowValid} />
      </FormErrors>
    </form>
  );
}
