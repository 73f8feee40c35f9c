import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { GROUP_LEVELS, type GroupDetail, type GroupLevel, type NewGroup, type Peer } from '../api/types.js';
import type { NodeLabel } from '../federation/useNodeDirectory.js';
import { useAction } from '../shared/hooks/useResource.js';
import { CheckList } from '../shared/ui/CheckList.js';
import { ErrorAlert, ValidationError } from '../shared/ui/ErrorAlert.js';
import { FormErrors } from '../shared/forms/FormErrors.js';
import { Field, Options, SelectField } from '../shared/ui/Field.js';
import { FormActions } from '../shared/ui/FormActions.js';
import { agreementOf, AgreementFields, EMPTY_AGREEMENT } from './AgreementFields.js';
import { charterOf, QuorumField } from './QuorumField.js';

/** Founds a group with peers of this node; each of them must consent before the group is active. */
export function CreateGroupForm({ peers, label, onCreate, onCreated }: { peers: Peer[]; label: (id: string) => NodeLabel; onCreate: (input: NewGroup) => Promise<GroupDetail>; onCreated: (group: GroupDetail) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [level, setLevel] = useState<GroupLevel>('bilateral');
  const [quorum, setQuorum] = useState('');
  const [agreement, setAgreement] = useState(EMPTY_AGREEMENT);
  const [members, setMembers] = useState<string[]>([]);
  const { busy, error, run } = useAction();
  const candidates = peers.filter((p) => p.status !== 'removed');

  async function handleSubmit(e: FormEvent) {
    e.preventDefault();
    const created = await run(async () => {
      if (members.length === 0) throw new ValidationError(t('groups.membersNone'));
      if (level === 'bilateral' && members.length !== 1) throw new ValidationError(t('groups.bilateralOne'));
      return onCreate({ name: name.trim(), level, charter: charterOf(quorum), agreement: agreementOf(agreement), members });
    });
    if (created) {
      setName('');
      setQuorum('');
      setAgreement(EMPTY_AGREEMENT);
      setMembers([]);
      onCreated(created);
    }
  }

  return (
    <form className="form" onSubmit={handleSubmit} aria-labelledby="create-group-title">
      <h2 id="create-group-title">{t('groups.createTitle')}</h2>
      <p className="intro">{t('groups.createIntro')}</p>
      <FormErrors error={error} operation="POST /api/v1/groups">
      <ErrorAlert error={error} />
      <div className="form-grid">
        <Field label={t('groups.name')} pointer="/name" name="group-name" autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />
        <SelectField label={t('groups.levelLabel')} pointer="/level" name="group-level" value={level} onChange={(e) => setLevel(e.target.value as GroupLevel)}>
          <Options values={GROUP_LEVELS} label={(l) => t(`groups.level.${l}`)} />
        </SelectField>
        <QuorumField value={quorum} onChange={setQuorum} />
      </div>
      <fieldset className="fieldset">
        <legend>{t('groups.members')}</legend>
        <p className="hint">{level === 'bilateral' ? t('groups.membersHintBilateral') : t('groups.membersHint')}</p>
        {candidates.length === 0 ? (
          <p className="muted">{t('groups.noPeers')}</p>
        ) : (
          <CheckList
            items={candidates.map((p) => p.node_id)}
            checked={members}
            onChange={setMembers}
            name="group-member"
            label={(id) => (
              <>
                {label(id).name} <code className="hint">{id}</code>
              </>
            )}
          />
        )}
      </fieldset>
      <AgreementFields value={agreement} onChange={setAgreement} />
      <FormActions label={t('groups.create')} busyLabel={t('groups.creating')} busy={busy} />
      </FormErrors>
    </form>
  );
}
