import { useTranslation } from 'react-i18next';
import type { Group, GroupStatus, ProposalStatus } from '../api/types.js';
import type { NodeLabel } from '../federation/useNodeDirectory.js';
import { StatusBadge } from '../shared/ui/StatusBadge.js';

const GROUP_STATUS_CLASS: Record<GroupStatus, string> = { unknown: 'status', proposed: 'status status-warn', active: 'status status-on', refused: 'status status-off' };
const PROPOSAL_STATUS_CLASS: Record<ProposalStatus, string> = { open: 'status status-warn', adopted: 'status status-on', refused: 'status status-off', void: 'status' };

/** Bilateral, regional or global. */
export function LevelBadge({ level }: { level: Group['level'] }) {
  const { t } = useTranslation();
  if (!level) return <span className="muted">{t('common.none')}</span>;
  return (
    <span className={`level level-${level}`} data-level={level}>
      {t(`groups.level.${level}`)}
    </span>
  );
}

/** Proposed, active or refused. */
export function GroupStatusBadge({ status }: { status: GroupStatus }) {
  return <StatusBadge value={status} classes={GROUP_STATUS_CLASS} messages="groups.status" />;
}

/** Open, adopted, refused or void. */
export function ProposalStatusBadge({ status }: { status: ProposalStatus }) {
  return <StatusBadge value={status} classes={PROPOSAL_STATUS_CLASS} messages="groups.proposalStatus" />;
}

/** A node by name with its id on hover; this node is marked. */
export function NodeRef({ id, label }: { id: string; label: (id: string) => NodeLabel }) {
  const { t } = useTranslation();
  const { name, self } = label(id);
  return (
    <span className="node-ref" data-node={id}>
      <span title={id}>{name}</span>
      {self && <span className="status status-self">{t('groups.thisNode')}</span>}
    </span>
  );
}

/** A key fingerprint shortened to its first and last digits, in full on hover. */
export function ShortFingerprint({ hex }: { hex: string }) {
  const short = hex.length > 16 ? `${hex.slice(0, 8)}…${hex.slice(-4)}` : hex;
  return (
    <code className="short-fingerprint" title={hex} data-fingerprint={hex} tabIndex={0}>
      {short}
    </code>
  );
}
