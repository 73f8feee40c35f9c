import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * Asks before signing a consent: it is a formal act of the authority and cannot be withdrawn.
 * A modal <dialog>: the browser traps focus in it, Escape cancels, and it is announced with
 * its title and text; focus starts on Cancel so a stray Enter does not sign.
 */
export function ConsentDialog({ open, change, busy, onConfirm, onCancel }: { open: boolean; change: ReactNode; busy: boolean; onConfirm: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const bodyId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      cancelRef.current?.focus();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open]);

  return (
    <dialog ref={ref} className="confirm-dialog" aria-labelledby={titleId} aria-describedby={bodyId} onCancel={onCancel}>
      <h2 id={titleId}>{t('groups.consentDialog.title')}</h2>
      <p className="confirm-dialog-change">{change}</p>
      <p id={bodyId}>{t('groups.consentDialog.body')}</p>
      <div className="button-row">
        <button type="button" onClick={onConfirm} disabled={busy}>
          {t('groups.consentDialog.confirm')}
        </button>
        <button type="button" className="secondary" ref={cancelRef} onClick={onCancel} disabled={busy}>
          {t('common.cancel')}
        </button>
      </div>
    </dialog>
  );
}
