import { useTranslation } from 'react-i18next';
import type { NodeInfo } from '../api/types.js';
import { useSignedIn } from '../auth/useSession.js';
import { useFormatDate } from '../shared/hooks/useFormat.js';
import { useLanguage } from '../shared/hooks/useLanguage.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { PageHeader } from '../shared/ui/PageHeader.js';
import { groupFingerprint, nodeName } from './useNodeInfo.js';

/** The node's identity: who it is and the key fingerprint its peers check. */
export function OverviewPage({ info, error }: { info: NodeInfo | undefined; error: unknown }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const { user } = useSignedIn();
  const formatDate = useFormatDate();

  return (
    <>
      <PageHeader title={t('overview.title')} intro={t('overview.welcome', { name: user.display_name })} />
      <ErrorAlert error={error} />
      {info && (
        <section className="card" aria-label={t('overview.title')}>
          <p className="intro">{t('overview.intro')}</p>
          <dl className="facts">
            <dt>{t('overview.name')}</dt>
            <dd>{nodeName(info, language)}</dd>
            <dt>{t('overview.nodeId')}</dt>
            <dd>
              <code>{info.node_id}</code>
            </dd>
            <dt>{t('overview.country')}</dt>
            <dd>{info.country}</dd>
            <dt>{t('overview.names')}</dt>
            <dd>
              <ul className="plain">
                {Object.entries(info.names).map(([lang, name]) => (
                  <li key={lang} lang={lang}>
                    <span className="muted">{lang}</span> {name}
                  </li>
                ))}
              </ul>
            </dd>
            <dt>{t('overview.authorityKinds')}</dt>
            <dd>{info.authority_kinds.length ? info.authority_kinds.join(', ') : t('common.none')}</dd>
            <dt>{t('overview.keySuite')}</dt>
            <dd>
              <code>{info.key_suite}</code>
            </dd>
            <dt>{t('overview.fingerprint')}</dt>
            <dd>
              <code className="fingerprint" data-testid="fingerprint">
                {groupFingerprint(info.fingerprint)}
              </code>
            </dd>
            <dt>{t('overview.publicKey')}</dt>
            <dd>
              <code className="wrap">{info.public_key}</code>
            </dd>
            <dt>{t('overview.createdAt')}</dt>
            <dd>{formatDate(info.created_at)}</dd>
            <dt>{t('overview.version')}</dt>
            <dd>{info.version}</dd>
          </dl>
        </section>
      )}
    </>
  );
}
