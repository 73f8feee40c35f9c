import { useCallback, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { groups as groupsApi } from '../api/endpoints.js';
import type { Role } from '../api/types.js';
import { useSignedIn } from '../auth/useSession.js';
import { useNodeDirectory } from '../federation/useNodeDirectory.js';
import { useFormatRelative } from '../shared/hooks/useFormat.js';
import { useAction, useResource } from '../shared/hooks/useResource.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { ResourceTable } from '../shared/ui/ResourceTable.js';
import { intelApi, type IntelRelease, type NewRelease } from './intelApi.js';
import { STIX_TYPES } from './stix.view.js';

/** Roles that release objects to peers and groups (`intel:release`). */
export const INTEL_RELEASE: readonly Role[] = ['admin', 'coordinator'];

/** Releases of this node (with each peer's progress, and a form to make one) and the peers' releases received here. */
export function ReleasesPage() {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  const formatRelative = useFormatRelative();
  const { label } = useNodeDirectory();
  const releases = useResource(useCallback(() => intelApi.releases(), []));
  const received = useResource(useCallback(() => intelApi.received(), []));
  const stopping = useAction();
  const mayRelease = INTEL_RELEASE.includes(user.role);

  async function handleStop(r: IntelRelease) {
    if ((await stopping.run(() => intelApi.stop(r.id))) !== undefined) void releases.reload();
  }

  return (
    <>
      {mayRelease && <ReleaseForm onReleased={() => void releases.reload()} />}
      <section aria-labelledby="intel-releases-title">
        <h2 id="intel-releases-title">{t('intel.releases.title')}</h2>
        <ResourceTable
          rows={releases.data?.releases}
          loading={releases.loading}
          error={releases.error}
          emptyText={t('intel.releases.empty')}
          testId="intel-releases"
          columns={[t('intel.releases.columns.title'), t('intel.releases.columns.audience'), t('intel.releases.columns.filter'), t('intel.releases.columns.progress'), t('intel.releases.columns.state'), mayRelease && '']}
          renderRow={(r) => (
            <tr key={r.id} data-id={r.id} data-state={r.state}>
              <td>
                {r.title}
                <div className="hint">{t('intel.releases.made', { who: r.created_by, when: formatRelative(r.created_at) })}</div>
              </td>
              <td>{r.audience.kind === 'peer' ? label(r.audience.node_id).name : t('intel.releases.group', { id: r.audience.group_id.slice(0, 8) })}</td>
              <td>
                {[
                  r.filter.types?.length ? t('intel.releases.types', { types: r.filter.types.join(', ') }) : '',
                  r.filter.ids?.length ? t('intel.releases.ids', { count: r.filter.ids.length }) : '',
                  r.filter.new_local ? t('intel.releases.newLocal') : '',
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </td>
              <td>
                <ul className="plain">
                  {r.peers.map((p) => (
                    <li key={p.peer_id} data-peer={p.peer_id}>
                      {t('intel.releases.peerProgress', { peer: label(p.peer_id).name, sent: p.sent, withheld: p.withheld })}
                    </li>
                  ))}
                </ul>
              </td>
              <td>{t(`intel.releases.state.${r.state}`)}</td>
              {mayRelease && (
                <td>
                  {r.state === 'active' && (
                    <button type="button" className="secondary" onClick={() => void handleStop(r)} disabled={stopping.busy}>
                      {t('intel.releases.stop')}
                    </button>
                  )}
                </td>
              )}
            </tr>
          )}
        />
        <ErrorAlert error={stopping.error} />
      </section>
      <section aria-labelledby="intel-received-title">
        <h2 id="intel-received-title">{t('intel.received.title')}</h2>
        <ResourceTable
          rows={received.data?.received}
          loading={received.loading}
          error={received.error}
          emptyText={t('intel.received.empty')}
          testId="intel-received"
          columns={[t('intel.received.columns.from'), t('intel.releases.columns.title'), t('intel.received.columns.objects'), t('intel.received.columns.last')]}
          renderRow={(r) => (
            <tr key={`${r.from_node} ${r.release_id}`} data-from={r.from_node}>
              <td>{label(r.from_node).name}</td>
              <td>{r.title}</td>
              <td>
                {t('intel.received.counts', { stored: r.stored, refused: r.refused, count: r.messages })}
                {r.held > 0 && <div className="hint">{t('intel.received.held', { count: r.held })}</div>}
              </td>
              <td>{formatRelative(r.last_at)}</td>
            </tr>
          )}
        />
      </section>
    </>
  );
}

/** Make a release: to a peer or a group, of objects by type, by id, or every new local one from now on. */
function ReleaseForm({ onReleased }: { onReleased: () => void }) {
  const { t } = useTranslation();
  const { peers, label } = useNodeDirectory();
  const groups = useResource(useCallback(() => groupsApi.list(), []));
  const [title, setTitle] = useState('');
  const [kind, setKind] = useState<'peer' | 'group'>('peer');
  const [target, setTarget] = useState('');
  const [types, setTypes] = useState<string[]>([]);
  const [ids, setIds] = useState('');
  const [newLocal, setNewLocal] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const action = useAction();
  const activeGroups = (groups.data ?? []).filter((g) => g.status === 'active' && (g.my_role === 'member' || g.my_role === 'founder'));

  async function handleSubmit(e: FormEvent) {
    e.preventDefault();
    setDone(null);
    const idList = ids.split(/\s+/).filter(Boolean);
    const input: NewRelease = {
      title: title.trim(),
      audience: kind === 'peer' ? { kind: 'peer', node_id: target } : { kind: 'group', group_id: target },
      filter: { ...(types.length ? { types } : {}), ...(idList.length ? { ids: idList } : {}), ...(newLocal ? { new_local: true } : {}) },
    };
    const made = await action.run(() => intelApi.release(input));
    if (made) {
      setDone(made.title);
      setTitle('');
      setTypes([]);
      setIds('');
      setNewLocal(false);
      onReleased();
    }
  }

  return (
    <section className="card intel-release-form" aria-labelledby="intel-release-form-title">
      <h2 id="intel-release-form-title">{t('intel.releases.new')}</h2>
      <p className="hint">{t('intel.releases.policy')}</p>
      <form onSubmit={handleSubmit}>
        <div className="field">
          <label htmlFor="release-title">{t('intel.releases.columns.title')}</label>
          <input id="release-title" value={title} onChange={(e) => setTitle(e.currentTarget.value)} required maxLength={200} />
        </div>
        <fieldset className="field">
          <legend>{t('intel.releases.columns.audience')}</legend>
          <label className="checkbox">
            <input type="radio" name="release-kind" checked={kind === 'peer'} onChange={() => (setKind('peer'), setTarget(''))} /> {t('intel.releases.toPeer')}
          </label>
          <label className="checkbox">
            <input type="radio" name="release-kind" checked={kind === 'group'} onChange={() => (setKind('group'), setTarget(''))} /> {t('intel.releases.toGroup')}
          </label>
          <select aria-label={kind === 'peer' ? t('intel.releases.toPeer') : t('intel.releases.toGroup')} value={target} onChange={(e) => setTarget(e.currentTarget.value)} required>
            <option value="">{t('intel.releases.choose')}</option>
            {kind === 'peer'
              ? peers
                  .filter((p) => p.status !== 'removed')
                  .map((p) => (
                    <option key={p.node_id} value={p.node_id}>
                      {label(p.node_id).name} ({p.node_id})
                    </option>
                  ))
              : activeGroups.map((g) => (
                  <option key={g.id} value={g.id}>
                    {g.name}
                  </option>
                ))}
          </select>
        </fieldset>
        <div className="field">
          <label htmlFor="release-types">{t('intel.releases.typesLabel')}</label>
          <select id="release-types" multiple size={6} value={types} onChange={(e) => setTypes([...e.currentTarget.selectedOptions].map((o) => o.value))}>
            {STIX_TYPES.map((ty) => (
              <option key={ty} value={ty}>
                {ty}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="release-ids">{t('intel.releases.idsLabel')}</label>
          <textarea id="release-ids" rows={2} value={ids} onChange={(e) => setIds(e.currentTarget.value)} />
        </div>
        <label className="checkbox">
          <input type="checkbox" checked={newLocal} onChange={(e) => setNewLocal(e.currentTarget.checked)} /> {t('intel.releases.newLocalLabel')}
        </label>
        <div className="button-row">
          <button type="submit" disabled={action.busy}>
            {t('intel.releases.submit')}
          </button>
        </div>
      </form>
      <ErrorAlert error={action.error} />
      {done && (
        <p className="alert alert-success" role="status">
          {t('intel.releases.done', { title: done })}
        </p>
      )}
    </section>
  );
}
