import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { auth } from '../api/endpoints.js';
import { useAction } from '../shared/hooks/useResource.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { Field } from '../shared/ui/Field.js';
import { FormActions } from '../shared/ui/FormActions.js';
import { AuthCard } from './AuthCard.js';
import { TotpCodeField } from './TotpCodeField.js';
import { useSession } from './useSession.js';

/** The TOTP code, or one of the recovery codes. */
export function SecondFactorPage() {
  const { t } = useTranslation();
  const { advance, signOut } = useSession();
  const [useRecovery, setUseRecovery] = useState(false);
  const [code, setCode] = useState('');
  const { busy, error, run, clearError } = useAction();

  async function handleSubmit(e: FormEvent) {
    e.preventDefault();
    const value = code.trim();
    const input = useRecovery ? { recovery_code: value } : { code: value.replace(/\s+/g, '') };
    const result = await run(() => auth.secondFactor(input));
    if (result) advance(result.stage);
  }

  function handleSwitch() {
    setUseRecovery((r) => !r);
    setCode('');
    clearError();
  }

  function handleSignOut() {
    void signOut();
  }

  return (
    <AuthCard title={t('secondFactor.title')} intro={useRecovery ? t('secondFactor.recoveryIntro') : t('secondFactor.intro')}>
      <form className="form" onSubmit={handleSubmit}>
        <ErrorAlert error={error} />
        {useRecovery ? (
          <Field key="recovery" label={t('secondFactor.recoveryCode')} name="recovery-code" autoComplete="off" required value={code} onChange={(e) => setCode(e.target.value)} />
        ) : (
          <TotpCodeField key="code" label={t('secondFactor.code')} value={code} onChange={setCode} />
        )}
        <FormActions label={t('secondFactor.submit')} busy={busy} />
        <button type="button" className="link" onClick={handleSwitch}>
          {useRecovery ? t('secondFactor.useCode') : t('secondFactor.useRecovery')}
        </button>
        <button type="button" className="link" onClick={handleSignOut}>
          {t('signIn.signOutInstead')}
        </button>
      </form>
    </AuthCard>
  );
}
