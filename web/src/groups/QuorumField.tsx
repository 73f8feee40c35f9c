import { useTranslation } from 'react-i18next';
import type { Charter, Quorum } from '../api/types.js';
import { Field } from '../shared/ui/Field.js';

/** The quorum as typed: empty means every member, a number "at least n". */
export function charterOf(text: string): Charter {
  const n = Number.parseInt(text, 10);
  return { quorum: Number.isInteger(n) && n > 0 ? { kind: 'at_least', n } : { kind: 'all' } };
}

/** "All members" or "at least n members", in words. */
export function useQuorumText(): (q: Quorum) => string {
  const { t } = useTranslation();
  return (q) => (q.kind === 'all' ? t('groups.quorumAll') : t('groups.quorumAtLeast', { n: q.n }));
}

/** How many members must consent to a change; empty for all of them. */
export function QuorumField({ value, onChange }: { value: string; onChange: (next: string) => void }) {
  const { t } = useTranslation();
  return (
    <Field
      label={t('groups.quorum')}
      hint={t('groups.quorumHint')}
      name="quorum"
      pointer="/charter/quorum/n"
      // Empty is a choice (every member), though the API's `n` is required when a number is sent.
      required={false}
      type="number"
      inputMode="numeric"
      min={1}
      max={1000}
      value={value}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}
