import { useTranslation } from 'react-i18next';
import type { NormStatus } from './normsApi.js';

/** A norm's status as a coloured mark with its name for screen readers (and a symbol besides the colour). */
export function StatusMark({ status, withText = false }: { status: NormStatus; withText?: boolean }) {
  const { t } = useTranslation();
  const symbol = status === 'implemented' ? '●' : status === 'in_progress' ? '◐' : '○';
  return (
    <span className={`norm-status norm-status-${status}`} title={t(`norms.status.${status}`)}>
      <span aria-hidden="true">{symbol}</span>
      {withText ? ` ${t(`norms.status.${status}`)}` : <span className="visually-hidden">{t(`norms.status.${status}`)}</span>}
    </span>
  );
}

/** What the colours of the matrix mean. */
export function StatusLegend() {
  const { t } = useTranslation();
  return (
    <p className="norms-legend" aria-label={t('norms.legend')}>
      {(['implemented', 'in_progress', 'not_started'] as const).map((s) => (
        <StatusMark key={s} status={s} withText />
      ))}
    </p>
  );
}
