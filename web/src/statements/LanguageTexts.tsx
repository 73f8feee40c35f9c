import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LANG_CODE } from './useStatements.js';

/**
 * One textarea per language version, side by side on wide screens, and a control to add a
 * language (a two- or three-letter code). `texts` maps each language to its text.
 */
export function LanguageTexts({ idPrefix, texts, onChange, required, hint }: { idPrefix: string; texts: Record<string, string>; onChange: (texts: Record<string, string>) => void; required: boolean; hint?: string }) {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  const langs = Object.keys(texts);
  const clean = code.trim().toLowerCase();
  const canAdd = LANG_CODE.test(clean) && !langs.includes(clean) && langs.length < 8;

  function add() {
    if (!canAdd) return;
    onChange({ ...texts, [clean]: '' });
    setCode('');
  }

  return (
    <fieldset className="statement-texts">
      <legend>{t('statements.texts')}</legend>
      {hint && <p className="hint">{hint}</p>}
      <div className="statement-columns">
        {langs.map((l) => (
          <div className="field" key={l}>
            <label htmlFor={`${idPrefix}-${l}`}>{t('statements.textIn', { lang: l })}</label>
            <textarea id={`${idPrefix}-${l}`} lang={l} value={texts[l]} onChange={(e) => onChange({ ...texts, [l]: e.target.value })} required={required} maxLength={20000} rows={8} />
          </div>
        ))}
      </div>
      <div className="inline-form">
        <label>
          {t('statements.languageCode')}{' '}
          <input
            value={code}
            onChange={(e) => setCode(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                add();
              }
            }}
            size={4}
            maxLength={3}
            placeholder="ru"
          />
        </label>{' '}
        <button type="button" className="secondary" disabled={!canAdd} onClick={add}>
          {t('statements.addLanguage')}
        </button>
      </div>
    </fieldset>
  );
}
