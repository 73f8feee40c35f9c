import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client.js';

const DETAILED = new Set(['invalid-input', 'conflict', 'not-found', 'peer-unreachable', 'not-a-group-member']);

/** Shows an error in the user's language; for input problems the server's detail is added. */
export function ErrorAlert({ error }: { error: unknown }) {
  const { t, i18n } = useTranslation();
  if (!error) return null;
  let message = t('errors.generic');
  let detail: string | undefined;
  if (error instanceof ApiError) {
    const key = `errors.${error.slug}`;
    if (i18n.exists(key)) message = t(key);
    if (DETAILED.has(error.slug) || !i18n.exists(key)) detail = error.problem.detail;
  } else if (error instanceof Error && error.name === 'ValidationError') {
    message = error.message;
  }
  return (
    <div className="alert alert-error" role="alert">
      <p>{message}</p>
      {detail && <p className="alert-detail">{detail}</p>}
    </div>
  );
}

/** A client-side check that failed, already translated. */
export class ValidationError extends Error {
  override name = 'ValidationError';
}
