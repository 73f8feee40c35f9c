import { useTranslation } from 'react-i18next';
import { PageHeader } from '../shared/ui/PageHeader.js';

export function NotFoundPage({ onHome }: { onHome: () => void }) {
  const { t } = useTranslation();
  function handleHome() {
    onHome();
  }
  return (
    <>
      <PageHeader title={t('notFound.title')} />
      <button type="button" onClick={handleHome}>
        {t('notFound.back')}
      </button>
    </>
  );
}
