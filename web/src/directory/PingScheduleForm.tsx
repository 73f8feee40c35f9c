import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Group, NewPingSchedule, Peer, PingSchedule } from '../api/types.js';
import { useFormatDate } from '../shared/hooks/useFormat.js';
import { useAction } from '../shared/hooks/useResource.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { FormErrors } from '../shared/forms/FormErrors.js';
import { Field, Options, SelectField } from '../shared/ui/Field.js';
import { FormActions } from '../shared/ui/FormActions.js';
import { isWindow, PingTargetPicker, WindowField, type TargetKind } from './PingTestFields.js';
import { MAX_INTERVAL_DAYS, MIN_INTERVAL_DAYS, SCHEDULE_PRESETS, type SchedulePreset } from './usePingSchedules.js';
import { DEFAULT_WINDOW_MINUTES } from './usePingTests.js';

type IntervalChoice = SchedulePreset | 'custom';

/** A `datetime-local` value (the user's time) as an ISO instant; undefined when empty, null when not a date. */
function firstRunOf(text: string): string | undefined | null {
  if (!text) return undefined;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** How often: a preset (monthly, quarterly, half-yearly, yearly) or another number of days. */
function IntervalFields({ choice, days, onChoice, onDays }: { choice: IntervalChoice; days: string; onChoice: (c: IntervalChoice) => void; onDays: (d: string) => void }) {
  const { t } = useTranslation();
  const n = Number(days);
  const valid = Number.isInteger(n) && n >= MIN_INTERVAL_DAYS && n <= MAX_INTERVAL_DAYS;
  return (
    <>
      <SelectField label={t('pingTests.schedules.interval')} value={choice} onChange={(e) => onChoice(e.target.value as IntervalChoice)}>
        <Options values={Object.keys(SCHEDULE_PRESETS) as SchedulePreset[]} label={(p) => t(`pingTests.schedules.preset.${p}`)} />
        <option value="custom">{t('pingTests.schedules.preset.custom')}</option>
      </SelectField>
      {choice === 'custom' && (
        <Field
          label={t('pingTests.schedules.intervalDays')}
          hint={t('pingTests.schedules.intervalRange', { min: MIN_INTERVAL_DAYS, max: MAX_INTERVAL_DAYS })}
          invalid={!valid}
          pointer="/interval_days"
          type="number"
          min={MIN_INTERVAL_DAYS}
          max={MAX_INTERVAL_DAYS}
          value={days}
          onChange={(e) => onDays(e.target.value)}
        />
      )}
    </>
  );
}

/** Schedules ping tests of a peer or a group: how often, the window of each test and the first run. */
export function PingScheduleForm({ peers, groups, onCreate }: { peers: Peer[]; groups: Group[]; onCreate: (input: NewPingSchedule) => Promise<PingSchedule> }) {
  const { t } = useTranslation();
  const formatDate = useFormatDate();
  const id = useId();
  const [kind, setKind] = useState<TargetKind>('node');
  const [target, setTarget] = useState('');
  const [choice, setChoice] = useState<IntervalChoice>('quarterly');
  const [days, setDays] = useState(String(SCHEDULE_PRESETS.quarterly));
  const [windowText, setWindowText] = useState(String(DEFAULT_WINDOW_MINUTES));
  const [firstRunText, setFirstRunText] = useState('');
  const [created, setCreated] = useState<PingSchedule | null>(null);
  const { busy, error, run } = useAction();
  const intervalDays = choice === 'custom' ? Number(days) : SCHEDULE_PRESETS[choice];
  const intervalValid = Number.isInteger(intervalDays) && intervalDays >= MIN_INTERVAL_DAYS && intervalDays <= MAX_INTERVAL_DAYS;
  const firstRun = firstRunOf(firstRunText);
  const valid = Boolean(target) && intervalValid && isWindow(windowText) && firstRun !== null;

  async function handleSubmit(e: FormEvent) {
    e.preventDefault();
    if (!valid) return;
    setCreated(null);
    const input: NewPingSchedule = {
      ...(kind === 'node' ? { node_id: target } : { group_id: target }),
      interval_days: intervalDays,
      window_minutes: Number(windowText),
      ...(firstRun ? { first_run_at: firstRun } : {}),
    };
    const schedule = await run(() => onCreate(input));
    if (schedule) setCreated(schedule);
  }

  function handleTarget(k: TargetKind, value: string) {
    setKind(k);
    setTarget(value);
  }

  function handleChoice(c: IntervalChoice) {
    setChoice(c);
    if (c !== 'custom') setDays(String(SCHEDULE_PRESETS[c]));
  }

  return (
    <form className="ping-schedule-form" onSubmit={(e) => void handleSubmit(e)} aria-labelledby={`${id}-title`} noValidate>
      <h3 id={`${id}-title`}>{t('pingTests.schedules.formTitle')}</h3>
      <FormErrors error={error} operation="POST /api/v1/ping-schedules">
      <ErrorAlert error={error} />
      {created && (
        <p className="alert alert-success" role="status" data-testid="schedule-created">
          {t('pingTests.schedules.created', { date: formatDate(created.next_run_at) })}
        </p>
      )}
      <PingTargetPicker peers={peers} groups={groups} kind={kind} target={target} onChange={handleTarget}>
        <IntervalFields choice={choice} days={days} onChoice={handleChoice} onDays={setDays} />
        <WindowField value={windowText} onChange={setWindowText} />
        <Field
          label={t('pingTests.schedules.firstRun')}
          hint={firstRun === null ? t('pingTests.schedules.firstRunInvalid') : t('pingTests.schedules.firstRunHint')}
          invalid={firstRun === null}
          pointer="/first_run_at"
          type="datetime-local"
          value={firstRunText}
          onChange={(e) => setFirstRunText(e.target.value)}
        />
      </PingTargetPicker>
      <FormActions label={t('pingTests.schedules.submit')} busyLabel={t('pingTests.schedules.submitting')} busy={busy} disabled={!valid} />
      </FormErrors>
    </form>
  );
}
