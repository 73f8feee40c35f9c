import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { auth } from '../api/endpoints.js';
import type { Stage } from '../api/types.js';
import { useAction } from '../shared/hooks/useResource.js';
import { ValidationError } from '../shared/ui/ErrorAlert.js';

export const MIN_PASSWORD_LENGTH = 12;

/**
 * The change-password form's values, its checks, and the call. Right after signing in with a
 * one-time password (`oneTime`) the current password is not asked again: sign-in just checked it.
 */
export function usePasswordChange(onChanged: (stage: Stage) => void, oneTime = false) {
  const { t } = useTranslation();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [done, setDone] = useState(false);
  const action = useAction();
  const { run } = action;

  const submit = useCallback(async () => {
    setDone(false);
    const result = await run(async () => {
      if (next.length < MIN_PASSWORD_LENGTH) throw new ValidationError(t('errors.passwordTooShort', { min: MIN_PASSWORD_LENGTH }));
      if (next !== confirm) throw new ValidationError(t('errors.passwordMismatch'));
      if (!oneTime && next === current) throw new ValidationError(t('errors.passwordSame'));
      return auth.changePassword(oneTime ? undefined : current, next);
    });
    if (result) {
      setCurrent('');
      setNext('');
      setConfirm('');
      setDone(true);
      onChanged(result.stage);
    }
  }, [run, current, next, confirm, t, onChanged, oneTime]);

  return { current, setCurrent, next, setNext, confirm, setConfirm, submit, done, busy: action.busy, error: action.error };
}
