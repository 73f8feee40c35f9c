import { useId, type ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LANGUAGES } from '../../i18n/languages.js';
import { useLanguage } from '../hooks/useLanguage.js';

/** The language picker; each option is written in its own language. */
export function LanguageSelect() {
  const { t } = useTranslation();
  const { language, changeLanguage } = useLanguage();
  const id = useId();

  function handleChange(e: ChangeEvent<HTMLSelectElement>) {
    changeLanguage(e.target.value);
  }

  return (
    <div className="inline-field">
      <label htmlFor={id}>{t('language.label')}</label>
      <select id={id} value={language} onChange={handleChange}>
        {LANGUAGES.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.label}
          </option>
        ))}
      </select>
    </div>
  );
}
