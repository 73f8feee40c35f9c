import { useTranslation } from 'react-i18next';
import type { Tlp } from './intelApi.js';

/**
 * A TLP marking as FIRST's TLP 2.0 shows it: the label in its colour on black. An unmarked
 * object is handled as TLP:AMBER by the release policy, and says so.
 */
export function TlpBadge({ tlp }: { tlp: Tlp | null }) {
  const { t } = useTranslation();
  const level = tlp ?? 'amber';
  return (
    <span className={`tlp tlp-${level.replace('+', '-')}`} data-tlp={tlp ?? 'unmarked'} title={tlp ? t(`intel.tlp.${level.replace('+', '_')}`) : t('intel.tlp.unmarked')}>
      TLP:{level.toUpperCase()}
      {tlp === null && '*'}
    </span>
  );
}
