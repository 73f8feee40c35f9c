import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CaseAction, CaseActionInput, CaseDetail } from '../api/types.js';
import { FormErrors } from '../shared/forms/FormErrors.js';
import { useAction } from '../shared/hooks/useResource.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { Field, TextAreaField } from '../shared/ui/Field.js';
import { groundText, instrumentShort, type CaseCatalogue } from './catalogue.js';
import { casesApi } from './useCases.js';

const OPERATION = 'POST /api/v1/cases/{id}/actions' as const;

/** A date `days` from today as YYYY-MM-DD (local calendar). */
function daysAhead(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Actions whose text is required, by the field it goes in. */
const TEXT_OF: Partial<Record<CaseAction, 'text' | 'reasons' | 'conditions' | 'note'>> = {
  acknowledge: 'note',
  accept: 'note',
  ask_information: 'text',
  add_information: 'text',
  execute: 'text',
  postpone: 'reasons',
  offer_conditions: 'conditions',
  accept_conditions: 'note',
  decline_conditions: 'note',
  refuse: 'reasons',
  hand_over: 'note',
  extend: 'reasons',
  withdraw: 'reasons',
  close: 'note',
  message: 'text',
  preserve: 'note',
};
const REQUIRED_TEXT: ReadonlySet<string> = new Set(['text', 'conditions']);

/** The actions open to this node now (`available_actions`), each with the inputs it takes. */
export function ActionPanel({ detail, catalogue, done, onDone }: { detail: CaseDetail; catalogue: CaseCatalogue | undefined; done: string | null; onDone: (c: CaseDetail | null, message: string | null) => void }) {
  const { t } = useTranslation();
  const actions = detail.available_actions as CaseAction[];
  const [chosen, setChosen] = useState<CaseAction | ''>('');
  const action = chosen && actions.includes(chosen) ? chosen : (actions[0] ?? '');
  const type = catalogue?.request_types.find((r) => r.id === detail.request.type);
  const minimum = Math.max(60, ...(type?.deadlines.filter((d) => d.kind === 'minimum_days').map((d) => d.days ?? 0) ?? []));
  const [text, setText] = useState('');
  const [until, setUntil] = useState(() => daysAhead(minimum));
  const [extent, setExtent] = useState<'partial' | 'full'>('full');
  const [grounds, setGrounds] = useState<string[]>([]);
  const [authority, setAuthority] = useState('');
  const [days, setDays] = useState('60');
  const run = useAction();

  if (actions.length === 0) return null;
  const textKey = TEXT_OF[action as CaseAction] ?? 'note';
  const textRequired = REQUIRED_TEXT.has(textKey) || action === 'refuse' || action === 'postpone';
  // The grounds of the request's own instrument; where the catalogue lists none, any ground named (with reasons) is taken.
  const instrument = detail.request.legal_basis.instrument;
  const groundList = (type?.refusal_grounds ?? []).filter((g) => g.instrument === instrument);

  function input(action: CaseAction): CaseActionInput {
    const note = text.trim() ? text.trim() : undefined;
    switch (action) {
      case 'preserve':
        return { action, until, ...(note ? { note } : {}) };
      case 'execute':
        return { action, extent, text: text.trim() };
      case 'refuse':
        return { action, grounds, reasons: text.trim() };
      case 'postpone':
        return { action, reasons: text.trim() };
      case 'offer_conditions':
        return { action, conditions: text.trim() };
      case 'ask_information':
      case 'add_information':
      case 'message':
        return { action, text: text.trim() };
      case 'hand_over':
        return { action, authority: authority.trim(), ...(note ? { note } : {}) };
      case 'extend':
        return { action, days: Number(days), ...(note ? { reasons: note } : {}) };
      case 'withdraw':
        return { action, ...(note ? { reasons: note } : {}) };
      case 'acknowledge':
      case 'accept':
      case 'accept_conditions':
      case 'decline_conditions':
      case 'close':
        return { action, ...(note ? { note } : {}) };
    }
  }

  async function handleSubmit(e: FormEvent) {
    e.preventDefault();
    if (!action) return;
    const result = await run.run(() => casesApi.act(detail.id, input(action)));
    if (!result) return;
    setText('');
    setGrounds([]);
    onDone(result, t('cases.actionDone', { action: t(`cases.actions.${action}`) }));
  }

  const refuseIncomplete = action === 'refuse' && (grounds.length === 0 || !text.trim());
  const textMissing = textRequired && !text.trim();

  return (
    <section className="card action-panel" aria-labelledby="actions-title">
      <h2 id="actions-title">{t('cases.actionsTitle')}</h2>
      {done && (
        <p className="alert alert-success" role="status">
          {done}
        </p>
      )}
      <div className="button-row action-choice" role="radiogroup" aria-label={t('cases.actionsTitle')}>
        {actions.map((a) => (
          <button key={a} type="button" role="radio" aria-checked={a === action} className={a === action ? undefined : 'secondary'} data-action={a} onClick={() => {
              setChosen(a);
              onDone(null, null);
              run.clearError();
            }}>
            {t(`cases.actions.${a}`)}
          </button>
        ))}
      </div>
      <FormErrors error={run.error} operation={OPERATION}>
        <ErrorAlert error={run.error} />
        <form className="form" onSubmit={(e) => void handleSubmit(e)} data-form-action={action} noValidate>
          <p className="hint">{t(`cases.actionHelp.${action}`)}</p>
          {action === 'preserve' && <Field label={t('cases.action.until')} pointer="/until" type="date" min={daysAhead(minimum)} value={until} onChange={(e) => setUntil(e.target.value)} hint={t('cases.action.untilHint', { days: minimum })} />}
          {action === 'execute' && (
            <fieldset className="radio-row">
              <legend>{t('cases.action.extent')}</legend>
              {(['full', 'partial'] as const).map((x) => (
                <label key={x} className="checkbox">
                  <input type="radio" name="extent" value={x} checked={extent === x} onChange={() => setExtent(x)} /> {t(`cases.extent.${x}`)}
                </label>
              ))}
            </fieldset>
          )}
          {action === 'refuse' && (
            <fieldset className="grounds" data-pointer="/grounds">
              <legend>{t('cases.action.grounds')}</legend>
              {groundList.length === 0 && (
                <Field
                  label={t('cases.action.groundsFree')}
                  pointer="/grounds"
                  hint={t('cases.action.noGrounds')}
                  value={grounds.join(', ')}
                  onChange={(e) =>
                    setGrounds(
                      e.target.value
                        .split(',')
                        .map((g) => g.trim())
                        .filter(Boolean),
                    )
                  }
                />
              )}
              {groundList.length > 0 && <p className="hint">{t('cases.action.groundsOf', { instrument: instrumentShort(t, instrument) })}</p>}
              {groundList.map(({ ref: g, confirmed, note }) => (
                <label key={g} className="checkbox" data-ground={g}>
                  <input type="checkbox" value={g} checked={grounds.includes(g)} onChange={(e) => setGrounds((list) => (e.target.checked ? [...list, g] : list.filter((x) => x !== g)))} /> {groundText(t, g, instrument)}
                  {!confirmed && (
                    <>
                      {' '}
                      <span className="badge badge-unconfirmed" data-unconfirmed title={note}>
                        {t('cases.unconfirmed')}
                      </span>
                    </>
                  )}
                </label>
              ))}
            </fieldset>
          )}
          {action === 'hand_over' && <Field label={t('cases.action.authority')} pointer="/authority" value={authority} onChange={(e) => setAuthority(e.target.value)} />}
          {action === 'extend' && <Field label={t('cases.action.days')} pointer="/days" type="number" min={1} max={3650} value={days} onChange={(e) => setDays(e.target.value)} />}
          <TextAreaField label={t(`cases.action.${textKey}`)} pointer={`/${textKey}`} required={textRequired} rows={4} value={text} onChange={(e) => setText(e.target.value)} />
          <div className="button-row">
            <button type="submit" disabled={run.busy || refuseIncomplete || textMissing || (action === 'hand_over' && !authority.trim())} data-submit={action}>
              {t(`cases.actions.${action}`)}
            </button>
          </div>
        </form>
      </FormErrors>
    </section>
  );
}
