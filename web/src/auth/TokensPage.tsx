import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiToken } from '../api/types.js';
import { useFormatDate } from '../shared/hooks/useFormat.js';
import { useAction } from '../shared/hooks/useResource.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { OneTimeSecret } from '../shared/ui/OneTimeSecret.js';
import { PageHeader } from '../shared/ui/PageHeader.js';
import { ResourceTable } from '../shared/ui/ResourceTable.js';
import { CreateTokenForm } from './CreateTokenForm.js';
import { useTokens } from './useTokens.js';

function statusOf(token: ApiToken): 'active' | 'revoked' | 'expired' {
  if (token.revoked_at) return 'revoked';
  if (token.expires_at && token.expires_at <= new Date().toISOString()) return 'expired';
  return 'active';
}

/** The signed-in user's API tokens: create (the secret is shown once) and revoke. */
export function TokensPage() {
  const { t } = useTranslation();
  const formatDate = useFormatDate();
  const { data, error, loading, createToken, revokeToken } = useTokens();
  const { busy, error: actionError, run } = useAction();
  const [revealed, setRevealed] = useState<{ name: string; token: string } | null>(null);

  function handleCreated(name: string, token: string) {
    setRevealed({ name, token });
  }
  function handleCloseSecret() {
    setRevealed(null);
  }
  function handleRevoke(id: string) {
    void run(() => revokeToken(id));
  }

  return (
    <>
      <PageHeader title={t('tokens.title')} intro={t('tokens.intro')} />
      {revealed && <OneTimeSecret message={t('tokens.created', { name: revealed.name })} secret={revealed.token} onClose={handleCloseSecret} testId="api-token" />}
      <ErrorAlert error={error ?? actionError} />
      <section className="card">
        <CreateTokenForm onCreate={createToken} onCreated={handleCreated} />
      </section>
      <section className="card table-card">
        <ResourceTable
          rows={data}
          loading={loading}
          emptyText={t('tokens.empty')}
          caption={t('tokens.tableCaption')}
          columns={[t('tokens.name'), t('tokens.createdAt'), t('tokens.expiresAt'), t('tokens.lastUsed'), t('tokens.status'), t('tokens.actions')]}
          renderRow={(token) => {
            const status = statusOf(token);
            return (
              <tr key={token.id}>
                <td>{token.name}</td>
                <td>{formatDate(token.created_at)}</td>
                <td>{token.expires_at ? formatDate(token.expires_at) : t('common.never')}</td>
                <td>{token.last_used_at ? formatDate(token.last_used_at) : t('common.never')}</td>
                <td>
                  <span className={status === 'active' ? 'status status-on' : 'status status-off'}>{t(`tokens.${status}`)}</span>
                </td>
                <td className="actions">
                  {status === 'active' && (
                    <button type="button" className="secondary small" onClick={() => handleRevoke(token.id)} disabled={busy} aria-label={t('tokens.revokeNamed', { name: token.name })}>
                      {t('tokens.revoke')}
                    </button>
                  )}
                </td>
              </tr>
            );
          }}
        />
      </section>
    </>
  );
}
