import { useTranslation } from 'react-i18next';

/** Sound on new items: off by default, remembered in this browser. */
export function SoundToggle({ on, onChange }: { on: boolean; onChange: (on: boolean) => void }) {
  const { t } = useTranslation();
  return (
    <label className="desk-sound">
      <input type="checkbox" checked={on} onChange={(e) => onChange(e.target.checked)} data-testid="desk-sound" /> {t('desk.sound')}
    </label>
  );
}
