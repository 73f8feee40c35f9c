import { useTranslation } from 'react-i18next';
import type { ContactChannel, ContactHours, DirectoryContact, DirectoryListing, Freshness } from '../api/types.js';
import { weekdayNames } from '../i18n/format.js';
import { otherNames } from '../i18n/names.js';
import { useFormatDate, useFormatRelative } from '../shared/hooks/useFormat.js';
import { useLanguage } from '../shared/hooks/useLanguage.js';
import { StatusBadge } from '../shared/ui/StatusBadge.js';
import { localName } from './useDirectory.js';

const FRESHNESS_CLASS: Record<Freshness, string> = { valid: 'status status-on', expiring: 'status status-warn', stale: 'status status-warn status-strong', expired: 'status status-off status-strong' };

/** Valid, expiring, stale or expired: colour and text. */
export function FreshnessBadge({ freshness }: { freshness: Freshness }) {
  return <StatusBadge value={freshness} classes={FRESHNESS_CLASS} messages="directory.freshness" attr="freshness" />;
}

/** ISO weekday 1–7 (Monday first) in the UI language, short. */
export function weekdayName(day: number, language: string): string {
  return weekdayNames(language)[day - 1] ?? String(day);
}

/** "24/7", or the days and hours in the authority's time zone. */
export function HoursText({ hours, timeZone }: { hours: ContactHours; timeZone: string }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  if (hours.always) return <span className="always">{t('directory.always')}</span>;
  const days = (hours.days ?? []).length ? (hours.days ?? []).map((d) => weekdayName(d, language)).join(', ') : t('directory.everyDay');
  return <span>{t('directory.hoursText', { days, from: hours.from ?? '', to: hours.to ?? '', zone: timeZone })}</span>;
}

function ChannelLink({ channel }: { channel: ContactChannel }) {
  const { t } = useTranslation();
  const label = t(`directory.channel.${channel.kind}`);
  if (channel.kind === 'accord') {
    return (
      <>
        {label}: <code>{channel.value}</code>
      </>
    );
  }
  const href = channel.kind === 'phone' ? `tel:${channel.value.replace(/[^\d+]/g, '')}` : `mailto:${channel.value}`;
  return (
    <>
      {label}: <a href={href}>{channel.value}</a>
    </>
  );
}

function ContactItem({ contact, timeZone }: { contact: DirectoryContact; timeZone: string }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const others = otherNames(contact.names, language);
  return (
    <li className="contact" data-contact={contact.id} data-role={contact.role}>
      <p className="contact-head">
        <span className="level" data-cell="role">
          {t(`directory.role.${contact.role}`)}
        </span>{' '}
        <strong data-cell="name">{localName(contact.names, language)}</strong>
        {others.length > 0 && <span className="hint"> ({others.map(([lang, name]) => `${lang}: ${name}`).join('; ')})</span>}
      </p>
      <dl className="facts compact">
        <dt>{t('directory.hours')}</dt>
        <dd data-cell="hours">
          <HoursText hours={contact.hours} timeZone={timeZone} />
        </dd>
        <dt>{t('directory.languages')}</dt>
        <dd data-cell="languages">{contact.languages.join(', ')}</dd>
        <dt>{t('directory.channels')}</dt>
        <dd data-cell="channels">
          <ul className="plain">
            {contact.channels.map((ch, i) => (
              <li key={i} data-channel={ch.kind}>
                <ChannelLink channel={ch} />
              </li>
            ))}
          </ul>
        </dd>
      </dl>
    </li>
  );
}

/** One authority's entry: names, freshness, version and its points of contact. */
export function DirectoryCard({ listing }: { listing: DirectoryListing }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const formatDate = useFormatDate();
  const formatRelative = useFormatRelative();
  const { entry, freshness } = listing;
  const contacts = [...entry.contacts].sort((x, y) => (x.escalation_order ?? 100) - (y.escalation_order ?? 100));
  const warn = freshness === 'stale' || freshness === 'expired';
  return (
    <article className={`card directory-card freshness-${freshness}`} data-node={entry.node_id} data-freshness={freshness} aria-labelledby={`dir-${entry.node_id}`}>
      <header className="directory-card-head">
        <h2 id={`dir-${entry.node_id}`} data-cell="authority">
          {localName(entry.authority_names, language)}
        </h2>
        <FreshnessBadge freshness={freshness} />
        {listing.own && <span className="status status-self">{t('directory.ownBadge')}</span>}
      </header>
      {warn && (
        <p className="alert alert-error" data-testid="freshness-warning">
          {t(`directory.freshnessWarning.${freshness}`)}
        </p>
      )}
      <p className="hint">
        <span data-cell="country">{entry.country}</span> · <code>{entry.node_id}</code> · {t('directory.versionN', { n: entry.version })} ·{' '}
        <span title={formatDate(entry.published_at)}>{t('directory.publishedAgo', { when: formatRelative(entry.published_at) })}</span> ·{' '}
        {t('directory.validUntil', { date: formatDate(entry.valid_until) })}
      </p>
      <p className="hint">
        {entry.authority_kinds.map((k) => t(`directory.kind.${k}`, { defaultValue: k })).join(', ')} · {t('directory.timeZone')}: {entry.time_zone} · {t('directory.languages')}: {entry.languages.join(', ')}
      </p>
      <ul className="plain contact-list">
        {contacts.map((c) => (
          <ContactItem key={c.id} contact={c} timeZone={entry.time_zone} />
        ))}
      </ul>
    </article>
  );
}
