import { useTranslation } from 'react-i18next';
import { PageHeader } from '../shared/ui/PageHeader.js';

export type PlannedCapability = 'intelligence' | 'norms';

/** A capability that is designed but not built yet: what it will do. */
export function ComingSoonPage({ capability }: { capability: PlannedCapability }) {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t(`nav.${capability}`)} />
      <section className="card coming-soon">
        <p className="badge">{t('common.comingSoon')}</p>
        <p>{t(`comingSoon.${capability}`)}</p>
      </section>
    </>
  );
}
