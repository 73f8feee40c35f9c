import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession, useSignedIn } from './useSession.js';

/** The signed-in user's name and role, with sign-out. */
export function UserMenu({ onAccount }: { onAccount: () => void }) {
  const { t } = useTranslation();
  const { signOut } = useSession();
  const { user } = useSignedIn();
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const rootRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    function handleOutside(e: MouseEvent) {
      if (!rootRef.current?.contains(e.target as Node)) setOpen(false);
    }
    function handleKey(e: KeyboardEvent) {
      if (e.key === 'Escape') setOpen(false);
    }
    document.addEventListener('mousedown', handleOutside);
    document.addEventListener('keydown', handleKey);
    return () => {
      document.removeEventListener('mousedown', handleOutside);
      document.removeEventListener('keydown', handleKey);
    };
  }, [open]);

  function handleToggle() {
    setOpen((o) => !o);
  }
  function handleAccount() {
    setOpen(false);
    onAccount();
  }
  function handleSignOut() {
    setOpen(false);
    void signOut();
  }

  return (
    <div className="user-menu" ref={rootRef}>
      <button
        type="button"
        className="secondary"
        aria-expanded={open}
        aria-controls={menuId}
        aria-label={t('userMenu.open', { name: user.display_name })}
        onClick={handleToggle}
        data-testid="user-menu"
      >
        <span className="avatar" aria-hidden="true">
          {user.display_name.slice(0, 1).toUpperCase()}
        </span>
        <span className="user-name">{user.display_name}</span>
      </button>
      {open && (
        <div className="menu" id={menuId}>
          <p className="muted">{t('userMenu.signedInAs')}</p>
          <p>
            <strong>{user.email}</strong>
            <br />
            {t(`roles.${user.role}`)}
          </p>
          <button type="button" className="secondary" onClick={handleAccount}>
            {t('nav.account')}
          </button>
          <button type="button" onClick={handleSignOut}>
            {t('userMenu.signOut')}
          </button>
        </div>
      )}
    </div>
  );
}
