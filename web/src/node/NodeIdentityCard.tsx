import { useTranslation } from 'react-i18next';
import type { NodeInfo } from '../api/types.js';
import { useFormatDate } from '../shared/hooks/useFormat.js';
import { useLanguage } from '../shared/hooks/useLanguage.js';
import { groupFingerprint, nodeName } from './useNodeInfo.js';

/** The node's identity, compact: who it is and the fingerprint peers check; the rest on demand. */
export function NodeIdentityCard({ info }: { info: NodeInfo }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const formatDate = useFormatDate();
  return (
    <section className="card node-identity" aria-labelledby="node-identity-title">
      <h2 id="node-identity-title">{t('overview.title')}</h2>
      <p className="intro">{t('overview.intro')}</p>
      <dl className="facts">
        <dt>{t('overview.name')}</dt>
        <dd>
          {nodeName(info, language)} <span className="muted">{info.country}</span>
        </dd>
        <dt>{t('overview.nodeId')}</dt>
        <dd>
          <code>{info.node_id}</code>
        </dd>
        <dt>{t('overview.fingerprint')}</dt>
        <dd>
          <code className="fingerprint" data-testid="fingerprint">
            {groupFingerprint(info.fingerprint)}
          </code>
        </dd>
      </dl>
      <details>
        <summary>{t('desk.identityMore')}</summary>
        <dl className="facts">
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
          <dd>{info.authority_kinds.length ? info.authority_kinds.map((k) => t(`directory.kind.${k}`, { defaultValue: k })).join(', ') : t('common.none')}</dd>
          <dt>{t('overview.keySuite')}</dt>
          <dd>
            <code>{info.key_suite}</code>
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
      </details>
    </section>
  );
}
