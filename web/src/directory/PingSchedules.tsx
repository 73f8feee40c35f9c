import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Group, Peer, PingSchedule } from '../api/types.js';
import { useNodeDirectory } from '../federation/useNodeDirectory.js';
import { useAction } from '../shared/hooks/useResource.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { PingScheduleForm } from './PingScheduleForm.js';
import { PingScheduleTable, type ScheduleTargetName } from './PingScheduleTable.js';
import { usePingSchedules } from './usePingSchedules.js';

/** Directory → Ping tests → scheduled tests: the list for everyone, the form and delete buttons for coordinators. */
export function PingSchedules({ peers, groups, mayEdit }: { peers: Peer[]; groups: Group[]; mayEdit: boolean }) {
  const { t } = useTranslation();
  const { label } = useNodeDirectory();
  const { data, error, loading, create, remove } = usePingSchedules();
  const { busy, error: deleteError, run } = useAction();
  const [deleted, setDeleted] = useState<string | null>(null);

  const targetName: ScheduleTargetName = (s) =>
    s.node_id
      ? { name: label(s.node_id).name, detail: s.node_id }
      : { name: groups.find((g) => g.id === s.group_id)?.name ?? s.group_id ?? '', detail: t('pingTests.schedules.groupDetail') };

  async function handleDelete(s: PingSchedule) {
    setDeleted(null);
    const name = targetName(s).name;
    const done = await run(async () => {
      await remove(s.id);
      return true;
    });
    if (done) setDeleted(name);
  }

  async function handleCreate(...args: Parameters<typeof create>) {
    setDeleted(null);
    return create(...args);
  }

  return (
    <section className="card ping-schedules" aria-labelledby="ping-schedules-title" data-testid="ping-schedules">
      <h2 id="ping-schedules-title">{t('pingTests.schedules.title')}</h2>
      <p className="hint">{t('pingTests.schedules.intro')}</p>
      {mayEdit && <PingScheduleForm peers={peers} groups={groups} onCreate={handleCreate} />}
      <ErrorAlert error={deleteError ?? error} />
      {deleted && (
        <p className="alert alert-success" role="status" data-testid="schedule-deleted">
          {t('pingTests.schedules.deleted', { target: deleted })}
        </p>
      )}
      <PingScheduleTable schedules={data} loading={loading} targetName={targetName} mayDelete={mayEdit} busy={busy} onDelete={(s) => void handleDelete(s)} />
    </section>
  );
}
