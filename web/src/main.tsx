import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.js';
import { setupI18n } from './i18n/index.js';
import { applyTheme, initialTheme } from './shared/hooks/useTheme.js';
import './styles.css';

// Theme first, so the page never flashes in the wrong colours.
applyTheme(initialTheme());

async function start() {
  await setupI18n();
  const root = document.getElementById('root');
  if (!root) throw new Error('missing #root');
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

void start();
