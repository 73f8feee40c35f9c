import { useTranslation } from 'react-i18next';
import type { PingSchedule } from '../api/types.js';
import { useSignedIn } from '../auth/useSession.js';
import { useFormatDate, useFormatDuration, useFormatRelative } from '../shared/hooks/useFormat.js';
import { ResourceTable } from '../shared/ui/ResourceTable.js';
import { presetOf } from './usePingSchedules.js';

/** What a schedule tests, for people: a node's name or a group's. */
export type ScheduleTargetName = (s: PingSchedule) => { name: string; detail: string };

function IntervalText({ days }: { days: number }) {
  const { t } = useTranslation();
  const preset = presetOf(days);
  return <>{preset ? t(`pingTests.schedules.presetShort.${preset}`, { n: days }) : t('pingTests.schedules.everyDays', { n: days })}</>;
}

function ScheduleRow({ s, targetName, mayDelete, busy, onDelete }: { s: PingSchedule; targetName: ScheduleTargetName; mayDelete: boolean; busy: boolean; onDelete: (s: PingSchedule) => void }) {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  const formatDate = useFormatDate();
  const formatRelative = useFormatRelative();
  const formatDuration = useFormatDuration();
  const { name, detail } = targetName(s);
  return (
    <tr data-schedule={s.id} data-target={s.node_id ? `node:${s.node_id}` : `group:${s.group_id}`}>
      <th scope="row" data-cell="target">
        {name} <span className="hint">{detail}</span>
      </th>
      <td data-cell="interval">
        <IntervalText days={s.interval_days} />
      </td>
      <td data-cell="window">{formatDuration(s.window_minutes * 60_000)}</td>
      <td data-cell="next" title={formatRelative(s.next_run_at)}>
        {formatDate(s.next_run_at)}
      </td>
      <td data-cell="last">{s.last_run_at ? formatDate(s.last_run_at) : t('pingTests.schedules.notRunYet')}</td>
      <td data-cell="created">
        {formatDate(s.created_at)}
        {s.created_by === `user:${user.id}` && <span className="hint"> {t('pingTests.schedules.byYou')}</span>}
      </td>
      {mayDelete && (
        <td className="actions">
          <button type="button" className="secondary small danger" disabled={busy} onClick={() => onDelete(s)} aria-label={t('pingTests.schedules.deleteNamed', { target: name })}>
            {t('pingTests.schedules.delete')}
          </button>
        </td>
      )}
    </tr>
  );
}

/** The scheduled ping tests (undefined until loaded), next due first, with a delete button for those who may change them. */
export function PingScheduleTable({
  schedules,
  loading,
  targetName,
  mayDelete,
  busy,
  onDelete,
}: {
  schedules: PingSchedule[] | undefined;
  loading: boolean;
  targetName: ScheduleTargetName;
  mayDelete: boolean;
  busy: boolean;
  onDelete: (s: PingSchedule) => void;
}) {
  const { t } = useTranslation();
  return (
    <ResourceTable
      rows={schedules}
      loading={loading}
      emptyText={t('pingTests.schedules.none')}
      emptyClassName="hint"
      className="ping-schedule-table"
      testId="ping-schedule-table"
      caption={t('pingTests.schedules.caption')}
      columns={[
        t('pingTests.schedules.colTarget'),
        t('pingTests.schedules.colInterval'),
        t('pingTests.schedules.colWindow'),
        t('pingTests.schedules.colNext'),
        t('pingTests.schedules.colLast'),
        t('pingTests.schedules.colCreated'),
        mayDelete && t('pingTests.schedules.colActions'),
      ]}
      renderRow={(s) => <ScheduleRow key={s.id} s={s} targetName={targetName} mayDelete={mayDelete} busy={busy} onDelete={onDelete} />}
    />
  );
}
