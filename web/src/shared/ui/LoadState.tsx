import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from './ErrorAlert.js';

/**
 * What stands in for data that is not there: the error of loading it, "Loading…" while it
 * loads, and the text saying there is none. Each shows only when its condition holds; a page
 * that places its error elsewhere leaves `error` out.
 */
export function LoadState({
  error,
  loading,
  loadingText,
  empty,
  emptyText,
  emptyClassName,
}: {
  error?: unknown;
  loading?: boolean;
  /** Instead of the generic "Loading…". */
  loadingText?: ReactNode;
  empty?: boolean;
  emptyText?: ReactNode;
  emptyClassName?: string;
}) {
  const { t } = useTranslation();
  return (
    <>
      <ErrorAlert error={error} />
      {loading && <p role="status">{loadingText ?? t('app.loading')}</p>}
      {empty && <p className={emptyClassName}>{emptyText}</p>}
    </>
  );
}
