import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { GroupDetail, Peer, ProposedChange } from '../api/types.js';
import type { NodeLabel } from '../federation/useNodeDirectory.js';
import { useAction } from '../shared/hooks/useResource.js';
import { ErrorAlert, ValidationError } from '../shared/ui/ErrorAlert.js';
import { FormErrors } from '../shared/forms/FormErrors.js';
import { Options, SelectField } from '../shared/ui/Field.js';
import { FormActions } from '../shared/ui/FormActions.js';
import { agreementOf, AgreementFields, draftOf } from './AgreementFields.js';
import { charterOf, QuorumField } from './QuorumField.js';

type Kind = ProposedChange['kind'];
const KINDS: readonly Kind[] = ['add_member', 'remove_member', 'change_agreement', 'change_charter'];
/** A bilateral group has exactly two members: it changes only its agreement and quorum. */
const BILATERAL_KINDS: readonly Kind[] = ['change_agreement', 'change_charter'];

/** Proposes a change to an active group: it takes effect when enough members consent. */
export function ProposeForm({ group, peers, label, onPropose }: { group: GroupDetail; peers: Peer[]; label: (id: string) => NodeLabel; onPropose: (change: ProposedChange) => Promise<unknown> }) {
  const { t } = useTranslation();
  const kinds = group.level === 'bilateral' ? BILATERAL_KINDS : KINDS;
  const [kind, setKind] = useState<Kind>(kinds[0]!);
  const [node, setNode] = useState('');
  const [agreement, setAgreement] = useState(() => draftOf(group.agreement));
  const [quorum, setQuorum] = useState('');
  const [sent, setSent] = useState(false);
  const { busy, error, run } = useAction();
  const addable = peers.filter((p) => p.status !== 'removed' && !group.members.includes(p.node_id)).map((p) => p.node_id);
  const removable = group.members.filter((m) => !label(m).self);
  const choices = kind === 'add_member' ? addable : removable;

  function handleKind(next: Kind) {
    setKind(next);
    setNode('');
    setSent(false);
  }

  async function handleSubmit(e: FormEvent) {
    e.preventDefault();
    setSent(false);
    const done = await run(async () => {
      let change: ProposedChange;
      if (kind === 'add_member' || kind === 'remove_member') {
        if (!node) throw new ValidationError(t('groups.chooseNode'));
        change = { kind, node };
      } else if (kind === 'change_agreement') change = { kind, agreement: agreementOf(agreement) };
      else change = { kind, charter: charterOf(quorum) };
      return (await onPropose(change)) ?? true;
    });
    if (done) {
      setNode('');
      setSent(true);
    }
  }

  return (
    <form className="form" onSubmit={handleSubmit} aria-labelledby="propose-title">
      <h2 id="propose-title">{t('groups.proposeTitle')}</h2>
      <p className="intro">{t('groups.proposeIntro')}</p>
      {sent && (
        <p className="alert alert-success" role="status">
          {t('groups.proposed')}
        </p>
      )}
      <FormErrors error={error} operation="POST /api/v1/groups/{id}/proposals">
      <ErrorAlert error={error} />
      <div className="form-grid">
        <SelectField label={t('groups.proposalKind')} name="proposal-kind" value={kind} onChange={(e) => handleKind(e.target.value as Kind)}>
          <Options values={kinds} label={(k) => t(`groups.change.${k}`)} />
        </SelectField>
        {(kind === 'add_member' || kind === 'remove_member') && (
          <SelectField label={kind === 'add_member' ? t('groups.nodeToAdd') : t('groups.nodeToRemove')} name="proposal-node" pointer="/node" value={node} onChange={(e) => setNode(e.target.value)} required>
            <option value="">{choices.length ? t('groups.chooseNode') : t('groups.noChoice')}</option>
            <Options values={choices} label={(id) => `${label(id).name} (${id})`} />
          </SelectField>
        )}
        {kind === 'change_charter' && <QuorumField value={quorum} onChange={setQuorum} />}
      </div>
      {kind === 'change_agreement' && <AgreementFields value={agreement} onChange={setAgreement} />}
      <FormActions label={t('groups.propose')} busy={busy} />
      </FormErrors>
    </form>
  );
}
