import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A form's submit button, disabled while busy and then labelled `busyLabel` if there is one;
 * with a cancel button or other actions (`children`), they stand together in a button row.
 * `onConfirm` makes the main button a plain button that runs it (a confirmation outside a form).
 */
export function FormActions({
  label,
  busy,
  busyLabel,
  disabled,
  danger,
  onConfirm,
  onCancel,
  cancelLabel,
  children,
}: {
  label: ReactNode;
  busy?: boolean;
  busyLabel?: ReactNode;
  /** Disabled for another reason than being busy (nothing to save, invalid input). */
  disabled?: boolean;
  danger?: boolean;
  onConfirm?: () => void;
  onCancel?: () => void;
  cancelLabel?: ReactNode;
  /** More actions after the main and cancel buttons. */
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  const main = (
    <button type={onConfirm ? 'button' : 'submit'} className={danger ? 'danger' : undefined} onClick={onConfirm} disabled={busy || disabled}>
      {busy && busyLabel !== undefined ? busyLabel : label}
    </button>
  );
  if (!onCancel && children === undefined) return main;
  return (
    <div className="button-row">
      {main}
      {onCancel && (
        <button type="button" className="secondary" onClick={onCancel}>
          {cancelLabel ?? t('common.cancel')}
        </button>
      )}
      {children}
    </div>
  );
}
