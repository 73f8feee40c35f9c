import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { groups as groupsApi } from '../api/endpoints.js';
import { useSignedIn } from '../auth/useSession.js';
import { FormErrors } from '../shared/forms/FormErrors.js';
import { useAction, useResource } from '../shared/hooks/useResource.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { Field, Options, SelectField, TextAreaField } from '../shared/ui/Field.js';
import { ResourceTable } from '../shared/ui/ResourceTable.js';
import { draftPath, emptyContent, NORM_STATUSES, normsApi, type Draft, type NormEntry, type ReportContent } from './normsApi.js';

/** Roles that write, review and publish reports (the server's norms:write). */
export const NORMS_EDIT = ['admin', 'coordinator'];

/** This node's drafts, and a button that starts a new one. */
export function DraftsPanel({ navigate }: { navigate: (path: string) => void }) {
  const { t, i18n } = useTranslation();
  const { user } = useSignedIn();
  const { data, error, loading } = useResource(normsApi.drafts);
  const { busy, error: createError, run } = useAction();
  const editable = NORMS_EDIT.includes(user.role);

  async function handleNew() {
    const d = await run(() => normsApi.createDraft(emptyContent(i18n.language.slice(0, 2))));
    if (d) navigate(draftPath(d.id));
  }

  return (
    <section className="card" aria-labelledby="norms-drafts-title">
      <h2 id="norms-drafts-title">{t('norms.drafts.title')}</h2>
      <p className="intro">{t('norms.drafts.intro')}</p>
      <ErrorAlert error={createError} />
      {editable && (
        <p>
          <button type="button" onClick={handleNew} disabled={busy}>
            {t('norms.drafts.new')}
          </button>
        </p>
      )}
      <ResourceTable
        rows={data}
        loading={loading}
        error={error}
        emptyText={t('norms.drafts.empty')}
        columns={[t('norms.drafts.draft'), t('norms.drafts.state'), t('norms.drafts.updated')]}
        renderRow={(d) => (
          <tr key={d.id}>
            <td>
              <a href={draftPath(d.id)} onClick={(e) => (e.preventDefault(), navigate(draftPath(d.id)))}>
                {d.content.summary || d.id.slice(0, 8)}
              </a>
            </td>
            <td>{t(`norms.draftState.${d.state}`)}</td>
            <td>{d.updated_at.slice(0, 16).replace('T', ' ')}</td>
          </tr>
        )}
      />
    </section>
  );
}

/** One draft: the 11 norms to edit, then review by a second user, then publication to chosen groups. */
export function DraftEditor({ id, onBack }: { id: string; onBack: () => void }) {
  const { t } = useTranslation();
  const { user } = useSignedIn();
  const load = useCallback(() => normsApi.draft(id), [id]);
  const { data, error, setData } = useResource(load, id);
  const [content, setContent] = useState<ReportContent | null>(null);
  const [note, setNote] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [published, setPublished] = useState<string | null>(null);
  const groups = useResource(groupsApi.list);
  const { busy, error: actionError, run } = useAction();
  const editable = NORMS_EDIT.includes(user.role);

  useEffect(() => {
    if (data) setContent(data.content as ReportContent);
  }, [data]);

  const adopt = (d: Draft | undefined) => d && setData(() => d);
  const setEntry = (i: number, patch: Partial<NormEntry>) => setContent((c) => (c ? { ...c, norms: c.norms.map((e, k) => (k === i ? { ...e, ...patch } : e)) } : c));

  async function handleSave(e: FormEvent) {
    e.preventDefault();
    if (!content) return;
    const saved = await run(() => normsApi.editDraft(id, content));
    if (saved) {
      adopt(saved);
      setPublished(t('norms.editor.saved'));
    }
  }
  async function handlePublish(e: FormEvent) {
    e.preventDefault();
    const r = await run(() => normsApi.publish(id, chosen));
    if (r) {
      setPublished(t('norms.editor.published', { version: r.version.version, count: r.sent_to.length }));
      adopt(await normsApi.draft(id));
    }
  }

  if (!data || !content) return <ErrorAlert error={error} />;
  const open = data.state === 'draft' || data.state === 'returned';
  const mayApprove = data.created_by !== user.id && data.updated_by !== user.id;
  const activeGroups = (groups.data ?? []).filter((g) => g.status === 'active' && g.my_role === 'member');

  return (
    <section className="card norm-editor" aria-labelledby="norms-editor-title">
      <p>
        <button type="button" className="secondary" onClick={onBack}>
          {t('norms.editor.back')}
        </button>
      </p>
      <h2 id="norms-editor-title">{t('norms.editor.title')}</h2>
      <p data-testid="draft-state">
        {t('norms.drafts.state')}: <strong>{t(`norms.draftState.${data.state}`)}</strong>
        {data.review_note ? ` — ${data.review_note}` : ''}
      </p>
      {published && (
        <p className="alert alert-success" role="status">
          {published}
        </p>
      )}
      <FormErrors error={actionError} operation="PUT /api/v1/norms/drafts/{id}">
        <ErrorAlert error={actionError} />
        <form onSubmit={handleSave}>
          <TextAreaField label={t('norms.editor.summary')} pointer="/summary" name="summary" rows={3} value={content.summary} disabled={!open || !editable} onChange={(e) => setContent({ ...content, summary: e.target.value })} />
          {content.norms.map((n, i) => (
            <fieldset key={n.norm} className="fieldset" data-norm={n.norm}>
              <legend>{t('norms.editor.norm', { norm: n.norm })}</legend>
              <SelectField label={t('norms.editor.status')} pointer={`/norms/${i}/status`} name={`status-${n.norm}`} value={n.status} disabled={!open || !editable} onChange={(e) => setEntry(i, { status: e.target.value as NormEntry['status'] })}>
                <Options values={NORM_STATUSES} label={(s) => t(`norms.status.${s}`)} />
              </SelectField>
              <TextAreaField label={t('norms.editor.measures')} pointer={`/norms/${i}/measures`} name={`measures-${n.norm}`} rows={2} value={n.measures} disabled={!open || !editable} onChange={(e) => setEntry(i, { measures: e.target.value })} />
              <TextAreaField label={t('norms.editor.legislation')} pointer={`/norms/${i}/legislation`} name={`legislation-${n.norm}`} rows={2} value={n.legislation} disabled={!open || !editable} onChange={(e) => setEntry(i, { legislation: e.target.value })} />
              <Field label={t('norms.editor.institutions')} pointer={`/norms/${i}/institutions`} name={`institutions-${n.norm}`} value={n.institutions} disabled={!open || !editable} onChange={(e) => setEntry(i, { institutions: e.target.value })} />
              <Field label={t('norms.editor.contacts')} pointer={`/norms/${i}/contacts`} name={`contacts-${n.norm}`} value={n.contacts} disabled={!open || !editable} onChange={(e) => setEntry(i, { contacts: e.target.value })} />
              <Field
                label={t('norms.editor.links')}
                hint={t('norms.editor.linksHint')}
                pointer={`/norms/${i}/links`}
                // The list is required by the schema, but an empty one is fine: the field is not.
                required={false}
                name={`links-${n.norm}`}
                value={n.links.map((l) => l.url).join(' ')}
                disabled={!open || !editable}
                onChange={(e) => setEntry(i, { links: e.target.value.split(/\s+/).filter(Boolean).map((url) => ({ url })) })}
              />
            </fieldset>
          ))}
          {open && editable && (
            <div className="button-row">
              <button type="submit" disabled={busy}>
                {t('norms.editor.save')}
              </button>
              <button type="button" className="secondary" disabled={busy} onClick={async () => adopt(await run(() => normsApi.submit(id)))}>
                {t('norms.editor.submit')}
              </button>
            </div>
          )}
        </form>
      </FormErrors>
      {data.state === 'in_review' && editable && (
        <div className="fieldset">
          <h3>{t('norms.editor.review')}</h3>
          {!mayApprove && <p className="muted">{t('norms.editor.notYourReview')}</p>}
          <Field label={t('norms.editor.note')} name="review-note" value={note} onChange={(e) => setNote(e.target.value)} />
          <div className="button-row">
            <button type="button" disabled={busy || !mayApprove} onClick={async () => adopt(await run(() => normsApi.review(id, 'approve', note || undefined)))}>
              {t('norms.editor.approve')}
            </button>
            <button type="button" className="secondary" disabled={busy} onClick={async () => adopt(await run(() => normsApi.review(id, 'return', note || undefined)))}>
              {t('norms.editor.return')}
            </button>
          </div>
        </div>
      )}
      {data.state === 'approved' && editable && (
        <form className="fieldset" onSubmit={handlePublish}>
          <h3>{t('norms.editor.publish')}</h3>
          <p className="muted">{t('norms.editor.publishIntro')}</p>
          {activeGroups.length === 0 && <p>{t('norms.editor.noGroups')}</p>}
          {activeGroups.map((g) => (
            <label key={g.id} className="check">
              <input type="checkbox" name="publish-group" value={g.id} checked={chosen.includes(g.id)} onChange={(e) => setChosen(e.target.checked ? [...chosen, g.id] : chosen.filter((x) => x !== g.id))} /> {g.name ?? g.id}
            </label>
          ))}
          <div className="button-row">
            <button type="submit" disabled={busy || chosen.length === 0}>
              {t('norms.editor.publishButton')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
