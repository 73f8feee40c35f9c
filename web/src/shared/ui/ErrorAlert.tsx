import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client.js';
import { fieldErrorsOf, fieldErrorText, readablePointer, ValidationError } from '../forms/field-errors.js';
import { useUnclaimedFieldErrors } from '../forms/FormErrors.js';

export { ValidationError };

const DETAILED = new Set(['invalid-input', 'conflict', 'not-found', 'peer-unreachable', 'not-a-group-member']);

/**
 * Shows an error in the user's language. Field errors are shown by their fields (FormErrors);
 * here only a summary, and the field errors no field on the form claims, translated.
 * For other input problems the server's detail is added.
 */
export function ErrorAlert({ error }: { error: unknown }) {
  const { t, i18n } = useTranslation();
  const unclaimed = useUnclaimedFieldErrors();
  if (!error) return null;
  const fieldErrors = fieldErrorsOf(error);
  let message = t('errors.generic');
  let detail: string | undefined;
  if (error instanceof ApiError) {
    const key = `errors.${error.slug}`;
    if (i18n.exists(key)) message = t(key);
    if (fieldErrors.length > 0) message = t('validation.summary');
    else if (DETAILED.has(error.slug) || !i18n.exists(key)) detail = error.problem.detail;
  } else if (error instanceof ValidationError) {
    message = error.message;
  }
  const rest = fieldErrors.length > 0 ? unclaimed : [];
  return (
    <div className="alert alert-error" role="alert">
      <p>{message}</p>
      {detail && <p className="alert-detail">{detail}</p>}
      {rest.length > 0 && (
        <ul className="alert-detail">
          {rest.map((e) => (
            <li key={`${e.pointer} ${e.code}`}>{e.pointer ? `${readablePointer(e.pointer)}: ${fieldErrorText(t, e)}` : fieldErrorText(t, e)}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
