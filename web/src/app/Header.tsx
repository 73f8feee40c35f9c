import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { UserMenu } from '../auth/UserMenu.js';
import { nodeName, useNodeInfo } from '../node/useNodeInfo.js';
import { useLanguage } from '../shared/hooks/useLanguage.js';
import type { Theme } from '../shared/hooks/useTheme.js';
import { LanguageSelect } from '../shared/ui/LanguageSelect.js';
import { ThemeToggle } from '../shared/ui/ThemeToggle.js';

/** The top bar: the app's name (and `node`, which node this is), then language, theme and `tools`. */
function TopBar({ theme, onToggleTheme, node, tools }: { theme: Theme; onToggleTheme: () => void; node?: ReactNode; tools?: ReactNode }) {
  const { t } = useTranslation();
  return (
    <header className="app-header">
      <div className="brand">
        <span className="logo" aria-hidden="true">
          ◈
        </span>
        <span className="app-name">{t('app.name')}</span>
        {node}
      </div>
      <div className="header-tools">
        <LanguageSelect />
        <ThemeToggle theme={theme} onToggle={onToggleTheme} />
        {tools}
      </div>
    </header>
  );
}

/** The app shell's top bar: which node this is, language, theme and the user menu. */
export function Header({ theme, onToggleTheme, onAccount }: { theme: Theme; onToggleTheme: () => void; onAccount: () => void }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const info = useNodeInfo();
  const node = info && (
    <span className="node-badge" data-testid="node-name">
      <span className="node-name">{nodeName(info, language)}</span>
      <span className="country" title={t('overview.country')}>
        {info.country}
      </span>
    </span>
  );
  return <TopBar theme={theme} onToggleTheme={onToggleTheme} node={node} tools={<UserMenu onAccount={onAccount} />} />;
}

/** The top bar of the sign-in screens: no session yet, so only language and theme. */
export function AuthHeader({ theme, onToggleTheme }: { theme: Theme; onToggleTheme: () => void }) {
  return <TopBar theme={theme} onToggleTheme={onToggleTheme} />;
}
