import { useTranslation } from 'react-i18next';
import type { Theme } from '../hooks/useTheme.js';

/** Switches between the light and dark themes; the label names the theme it switches to. */
export function ThemeToggle({ theme, onToggle }: { theme: Theme; onToggle: () => void }) {
  const { t } = useTranslation();
  return (
    <button type="button" className="secondary theme-toggle" onClick={onToggle} data-testid="theme-toggle">
      <span aria-hidden="true">{theme === 'dark' ? '☀' : '☾'}</span> {theme === 'dark' ? t('theme.toLight') : t('theme.toDark')}
    </button>
  );
}
