import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSignedIn } from '../auth/useSession.js';
import { useFormatRelative } from '../shared/hooks/useFormat.js';
import { useAction, useResource } from '../shared/hooks/useResource.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { ResourceTable } from '../shared/ui/ResourceTable.js';
import { feedsApi, TLP2_MARKINGS, type IntelFeed, type NewFeed } from './feedsApi.js';
import { INTEL_RELEASE } from './ReleasesPage.js';
import { TlpBadge } from './TlpBadge.js';

/** The TAXII feeds this node follows: state, last run, error and counts; add, edit, run now and remove for those who release. */
export function FeedsPage() {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  const formatRelative = useFormatRelative();
  const feeds = useResource(useCallback(() => feedsApi.list(), []));
  const acting = useAction();
  const [editing, setEditing] = useState<IntelFeed | null>(null);
  const mayManage = INTEL_RELEASE.includes(user.role);
  const anyRunning = feeds.data?.feeds.some((f) => f.state.running) ?? false;
  const { reload } = feeds;

  // A feed being read (by the job or a run started elsewhere): show its outcome when the run ends.
  useEffect(() => {
    if (!anyRunning) return;
    const timer = window.setInterval(() => void reload(), 2000);
    return () => window.clearInterval(timer);
  }, [anyRunning, reload]);

  async function handleRun(f: IntelFeed) {
    if ((await acting.run(() => feedsApi.run(f.id))) !== undefined) void feeds.reload();
  }
  async function handleRemove(f: IntelFeed) {
    if (!window.confirm(t('intel.feeds.confirmRemove', { title: f.title }))) return;
    await acting.run(() => feedsApi.remove(f.id));
    if (editing?.id === f.id) setEditing(null);
    void feeds.reload();
  }

  return (
    <>
      {mayManage && (
        <FeedForm
          key={editing?.id ?? 'new'}
          feed={editing}
          onSaved={() => {
            setEditing(null);
            void feeds.reload();
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      <section aria-labelledby="intel-feeds-title">
        <h2 id="intel-feeds-title">{t('intel.feeds.title')}</h2>
        <p className="hint">{t('intel.feeds.intro')}</p>
        <ResourceTable
          rows={feeds.data?.feeds}
          loading={feeds.loading}
          error={feeds.error}
          emptyText={t('intel.feeds.empty')}
          testId="intel-feeds"
          columns={[t('intel.feeds.columns.feed'), t('intel.feeds.columns.marking'), t('intel.feeds.columns.state'), t('intel.feeds.columns.counts'), mayManage && '']}
          renderRow={(f) => (
            <tr key={f.id} data-id={f.id} data-error={f.state.last_error ? 'yes' : 'no'}>
              <td>
                {f.title}
                <div className="hint">
                  {f.api_root} · {f.collection_id}
                </div>
              </td>
              <td>
                <TlpBadge tlp={f.default_tlp} />
              </td>
              <td>
                <div>{!f.enabled ? t('intel.feeds.disabled') : f.state.running ? t('intel.feeds.running') : f.state.resuming ? t('intel.feeds.resuming') : t('intel.feeds.every', { count: f.interval_minutes })}</div>
                <div className="hint">{f.state.last_run_at ? t('intel.feeds.lastRun', { when: formatRelative(f.state.last_run_at) }) : t('intel.feeds.never')}</div>
                {f.state.last_error && (
                  <div className="alert alert-error" role="note" data-testid="feed-error">
                    {f.state.last_error}
                  </div>
                )}
              </td>
              <td data-testid="feed-counts">{t('intel.feeds.counts', { stored: f.counts.stored, duplicates: f.counts.duplicates, refused: f.counts.refused, marked: f.counts.marked, pages: f.counts.pages })}</td>
              {mayManage && (
                <td>
                  <div className="button-row">
                    <button type="button" onClick={() => void handleRun(f)} disabled={acting.busy || f.state.running}>
                      {t('intel.feeds.runNow')}
                    </button>
                    <button type="button" className="secondary" onClick={() => setEditing(f)}>
                      {t('intel.feeds.edit')}
                    </button>
                    <button type="button" className="secondary" onClick={() => void handleRemove(f)} disabled={acting.busy}>
                      {t('intel.feeds.remove')}
                    </button>
                  </div>
                </td>
              )}
            </tr>
          )}
        />
        <ErrorAlert error={acting.error} />
      </section>
    </>
  );
}

type AuthKind = 'none' | 'token' | 'basic';

/** Add a feed, or change one (the secret is never shown: left empty, it stays as it is). */
function FeedForm({ feed, onSaved, onCancel }: { feed: IntelFeed | null; onSaved: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [title, setTitle] = useState(feed?.title ?? '');
  const [apiRoot, setApiRoot] = useState(feed?.api_root ?? '');
  const [collection, setCollection] = useState(feed?.collection_id ?? '');
  const [authKind, setAuthKind] = useState<AuthKind>(feed?.auth.kind ?? 'none');
  const [username, setUsername] = useState(feed?.auth.username ?? '');
  const [secret, setSecret] = useState('');
  const [marking, setMarking] = useState(feed?.default_marking ?? TLP2_MARKINGS[2]!.id);
  const [interval, setInterval] = useState(String(feed?.interval_minutes ?? 60));
  const [pageSize, setPageSize] = useState(String(feed?.page_size ?? 500));
  const [enabled, setEnabled] = useState(feed?.enabled ?? true);
  const [done, setDone] = useState<string | null>(null);
  const action = useAction();

  function authInput(): NewFeed['auth'] | undefined {
    if (authKind === 'none') return feed && feed.auth.kind === 'none' ? undefined : { kind: 'none' };
    // Editing without a new secret keeps the one held.
    if (feed && secret === '' && feed.auth.kind === authKind && (authKind === 'token' || username === feed.auth.username)) return undefined;
    return authKind === 'token' ? { kind: 'token', token: secret } : { kind: 'basic', username, password: secret };
  }

  async function handleSubmit(e: FormEvent) {
    e.preventDefault();
    setDone(null);
    const auth = authInput();
    const fields = { title: title.trim(), api_root: apiRoot.trim(), collection_id: collection.trim(), default_marking: marking, interval_minutes: Number(interval), page_size: Number(pageSize), enabled, ...(auth ? { auth } : {}) };
    const saved = await action.run(() => (feed ? feedsApi.update(feed.id, fields) : feedsApi.create(fields)));
    if (saved) {
      setDone(saved.title);
      if (!feed) {
        setTitle('');
        setApiRoot('');
        setCollection('');
        setSecret('');
      }
      onSaved();
    }
  }

  const secretRequired = authKind !== 'none' && !(feed && feed.auth.kind === authKind && feed.auth.has_secret);
  return (
    <section className="card intel-feed-form" aria-labelledby="intel-feed-form-title">
      <h2 id="intel-feed-form-title">{feed ? t('intel.feeds.editTitle', { title: feed.title }) : t('intel.feeds.new')}</h2>
      <p className="hint">{t('intel.feeds.policy')}</p>
      <form onSubmit={handleSubmit}>
        <div className="field">
          <label htmlFor="feed-title">{t('intel.feeds.titleLabel')}</label>
          <input id="feed-title" value={title} onChange={(e) => setTitle(e.currentTarget.value)} required maxLength={200} />
        </div>
        <div className="field">
          <label htmlFor="feed-api-root">{t('intel.feeds.apiRoot')}</label>
          <input id="feed-api-root" type="url" value={apiRoot} onChange={(e) => setApiRoot(e.currentTarget.value)} required maxLength={2000} placeholder="https://taxii.example.org/api1/" />
        </div>
        <div className="field">
          <label htmlFor="feed-collection">{t('intel.feeds.collection')}</label>
          <input id="feed-collection" value={collection} onChange={(e) => setCollection(e.currentTarget.value)} required maxLength={200} pattern="[A-Za-z0-9._~\-]+" />
        </div>
        <fieldset className="field">
          <legend>{t('intel.feeds.auth')}</legend>
          {(['none', 'token', 'basic'] as const).map((k) => (
            <label className="checkbox" key={k}>
              <input type="radio" name="feed-auth" checked={authKind === k} onChange={() => setAuthKind(k)} /> {t(`intel.feeds.authKind.${k}`)}
            </label>
          ))}
          {authKind === 'basic' && (
            <div className="field">
              <label htmlFor="feed-username">{t('intel.feeds.username')}</label>
              <input id="feed-username" value={username} onChange={(e) => setUsername(e.currentTarget.value)} required maxLength={200} autoComplete="off" />
            </div>
          )}
          {authKind !== 'none' && (
            <div className="field">
              <label htmlFor="feed-secret">{authKind === 'token' ? t('intel.feeds.token') : t('intel.feeds.password')}</label>
              <input id="feed-secret" type="password" value={secret} onChange={(e) => setSecret(e.currentTarget.value)} required={secretRequired} maxLength={2000} autoComplete="new-password" />
              {!secretRequired && <p className="hint">{t('intel.feeds.secretKept')}</p>}
            </div>
          )}
        </fieldset>
        <div className="field">
          <label htmlFor="feed-marking">{t('intel.feeds.defaultMarking')}</label>
          <select id="feed-marking" value={marking} onChange={(e) => setMarking(e.currentTarget.value)}>
            {TLP2_MARKINGS.map((m) => (
              <option key={m.id} value={m.id}>
                TLP:{m.level.toUpperCase()}
              </option>
            ))}
          </select>
          <p className="hint">{t('intel.feeds.defaultMarkingHint')}</p>
        </div>
        <div className="field">
          <label htmlFor="feed-interval">{t('intel.feeds.interval')}</label>
          <input id="feed-interval" type="number" min={5} max={10080} value={interval} onChange={(e) => setInterval(e.currentTarget.value)} required />
        </div>
        <div className="field">
          <label htmlFor="feed-page-size">{t('intel.feeds.pageSize')}</label>
          <input id="feed-page-size" type="number" min={1} max={1000} value={pageSize} onChange={(e) => setPageSize(e.currentTarget.value)} required />
        </div>
        <label className="checkbox">
          <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} /> {t('intel.feeds.enabled')}
        </label>
        <div className="button-row">
          <button type="submit" disabled={action.busy}>
            {feed ? t('intel.feeds.save') : t('intel.feeds.add')}
          </button>
          {feed && (
            <button type="button" className="secondary" onClick={onCancel}>
              {t('intel.feeds.cancel')}
            </button>
          )}
        </div>
      </form>
      <ErrorAlert error={action.error} />
      {done && (
        <p className="alert alert-success" role="status">
          {t('intel.feeds.saved', { title: done })}
        </p>
      )}
    </section>
  );
}
