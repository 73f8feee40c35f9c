import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useAction } from '../shared/hooks/useResource.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { Field } from '../shared/ui/Field.js';
import { FormActions } from '../shared/ui/FormActions.js';
import { AuthCard } from './AuthCard.js';
import { useSession } from './useSession.js';

/** E-mail and password; the session then names the next step. */
export function SignInPage({ notice }: { notice?: 'signed-out' | 'expired' }) {
  const { t } = useTranslation();
  const { signIn } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction();

  function handleSubmit(e: FormEvent) {
    e.preventDefault();
    void run(() => signIn(email.trim(), password));
  }

  return (
    <AuthCard title={t('signIn.title')} intro={t('signIn.intro')}>
      {notice && !error && (
        <p className="alert alert-info" role="status">
          {notice === 'expired' ? t('signIn.expired') : t('signIn.signedOut')}
        </p>
      )}
      <form className="form" onSubmit={handleSubmit}>
        <ErrorAlert error={error} />
        <Field label={t('signIn.email')} type="email" name="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <Field
          label={t('signIn.password')}
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        <FormActions label={t('signIn.submit')} busyLabel={t('signIn.submitting')} busy={busy} />
      </form>
    </AuthCard>
  );
}
