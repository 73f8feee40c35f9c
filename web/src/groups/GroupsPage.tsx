import { useState, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { GroupDetail } from '../api/types.js';
import { useSignedIn } from '../auth/useSession.js';
import { useNodeDirectory } from '../federation/useNodeDirectory.js';
import { ROUTES, subPathOf } from '../shared/hooks/useRoute.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { PageHeader } from '../shared/ui/PageHeader.js';
import { ResourceTable } from '../shared/ui/ResourceTable.js';
import { CreateGroupForm } from './CreateGroupForm.js';
import { GroupStatusBadge, LevelBadge } from './GroupBadges.js';
import { GroupDetailPage } from './GroupDetailPage.js';
import { proposedMembers } from './proposalTally.js';
import { GROUPS_EDIT, GROUPS_REFRESH_MS, useGroups } from './useGroups.js';

export function groupPath(id: string): string {
  return `${ROUTES.groups}/${encodeURIComponent(id)}`;
}

/** Groups: the list with the founding form, or one group when the path names it. */
export function GroupsPage({ path, navigate }: { path: string; navigate: (path: string) => void }) {
  const id = subPathOf(path, 'groups');
  if (id) return <GroupDetailPage id={id} onBack={() => navigate(ROUTES.groups)} />;
  return <GroupList onOpen={(groupId) => navigate(groupPath(groupId))} />;
}

/** Every group this node founded, belongs to, is invited to or left, with its agreement. */
function GroupList({ onOpen }: { onOpen: (id: string) => void }) {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  const { data, error, loading, createGroup } = useGroups();
  const directory = useNodeDirectory();
  const [created, setCreated] = useState<string | null>(null);
  const editable = GROUPS_EDIT.includes(user.role);

  function handleCreated(group: GroupDetail) {
    setCreated(group.name ?? group.id);
  }

  function handleOpen(e: MouseEvent<HTMLAnchorElement>) {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    const groupId = e.currentTarget.dataset.groupId;
    if (groupId) onOpen(groupId);
  }

  return (
    <>
      <PageHeader title={t('groups.title')} intro={editable ? t('groups.intro') : t('groups.readOnly')} />
      {created && (
        <p className="alert alert-success" role="status">
          {t('groups.created', { name: created })}
        </p>
      )}
      <ErrorAlert error={error} />
      {editable && (
        <section className="card">
          <CreateGroupForm peers={directory.peers} label={directory.label} onCreate={createGroup} onCreated={handleCreated} />
        </section>
      )}
      <section className="card table-card">
        <p className="hint refresh-note">{t('groups.autoRefresh', { seconds: GROUPS_REFRESH_MS / 1000 })}</p>
        <ResourceTable
          rows={data}
          loading={loading}
          emptyText={t('groups.empty')}
          className="groups-table"
          caption={t('groups.tableCaption')}
          columns={[t('groups.name'), t('groups.levelLabel'), t('groups.statusLabel'), t('groups.memberCount'), t('groups.agreement')]}
          renderRow={(g) => {
            const waiting = g.proposals.filter((p) => p.awaiting_me).length;
            return (
              <tr key={g.id} data-group={g.id}>
                <td data-cell="name">
                  <a href={groupPath(g.id)} data-group-id={g.id} onClick={handleOpen}>
                    {g.name ?? g.id}
                  </a>
                  {waiting > 0 && <span className="hint">{t('groups.awaitingYou', { n: waiting })}</span>}
                </td>
                <td data-cell="level">
                  <LevelBadge level={g.level} />
                </td>
                <td data-cell="status">
                  <GroupStatusBadge status={g.status} />
                </td>
                <td data-cell="members" className="number">
                  {g.status === 'proposed' ? t('groups.proposedMemberCount', { n: proposedMembers(g).length }) : g.members.length}
                </td>
                <td data-cell="agreement">{g.agreement?.title ?? t('common.none')}</td>
              </tr>
            );
          }}
        />
      </section>
    </>
  );
}
