import { useTranslation } from 'react-i18next';
import type { ContactChannel, ContactHours, DirectoryContact, DirectoryListing, Freshness } from '../api/types.js';
import { useFormatDate, useFormatDuration, useFormatRelative } from '../shared/hooks/useFormat.js';
import { useLanguage } from '../shared/hooks/useLanguage.js';
import { StatusBadge } from '../shared/ui/StatusBadge.js';
import { availableNow, contactAvailableAt, countryName, formatHours, groupedFingerprint, kindLabel, localClock, ordinalKey } from './directoryText.js';
import type { PeerFacts } from './usePeerFacts.js';
import { localName } from './useDirectory.js';
import { otherNames } from '../i18n/names.js';
import './directory.css';

const FRESHNESS_CLASS: Record<Freshness, string> = { valid: 'status status-on', expiring: 'status status-warn', stale: 'status status-warn status-strong', expired: 'status status-off status-strong' };

/** Valid, expiring, stale or expired: colour and text. */
export function FreshnessBadge({ freshness }: { freshness: Freshness }) {
  return <StatusBadge value={freshness} classes={FRESHNESS_CLASS} messages="directory.freshness" attr="freshness" />;
}

/** "24/7", or the days and hours in the authority's time zone ("Mon–Fri 09:00–18:00 Asia/Tashkent"), as the CSV export writes them. */
export function HoursText({ hours, timeZone }: { hours: ContactHours; timeZone: string }) {
  const { language } = useLanguage();
  if (hours.always) return <span className="always">24/7</span>;
  return <span>{formatHours(hours, timeZone, language)}</span>;
}

/** A channel as readers use it: a link to call or write, a messenger handle, a fingerprint to compare. */
export function ChannelText({ channel }: { channel: ContactChannel }) {
  const { t } = useTranslation();
  const label = t(`directory.channel.${channel.kind}`, { defaultValue: channel.kind });
  switch (channel.kind) {
    case 'phone':
      return (
        <>
          {label}: <a href={`tel:${channel.value.replace(/[^\d+]/g, '')}`}>{channel.value}</a>
        </>
      );
    case 'email':
      return (
        <>
          {label}: <a href={`mailto:${channel.value}`}>{channel.value}</a>
        </>
      );
    case 'messenger':
      return (
        <>
          {channel.messenger ? t(`directory.messenger.${channel.messenger}`) : label}: <code>{channel.value}</code>
        </>
      );
    case 'pgp':
    case 'smime': {
      const material = channel.key ?? channel.certificate;
      return (
        <>
          {label}: <code className="key-fingerprint">{groupedFingerprint(channel.value)}</code>
          {material && (
            <details className="key-material">
              <summary>{t(`directory.materialShow.${channel.kind}`)}</summary>
              <pre>{material}</pre>
            </details>
          )}
        </>
      );
    }
    case 'fax':
    case 'accord':
      return (
        <>
          {label}: <code>{channel.value}</code>
        </>
      );
  }
}

/** Whether a contact (or the authority) is staffed now, by its declared hours in its own time zone. */
function AvailabilityBadge({ open, testId }: { open: boolean | null; testId?: string }) {
  const { t } = useTranslation();
  if (open === null) return null;
  return (
    <span className={open ? 'status status-on' : 'status status-off'} data-available={open} data-testid={testId}>
      {open ? t('directory.availableNow') : t('directory.unavailableNow')}
    </span>
  );
}

function ContactItem({ contact, timeZone, rank, now }: { contact: DirectoryContact; timeZone: string; rank: number; now: Date }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const others = otherNames(contact.names, language);
  return (
    <li className="contact" data-contact={contact.id} data-role={contact.role} data-escalation={rank}>
      <p className="contact-head">
        <span className="escalation" data-cell="escalation" title={t('directory.escalationTitle')}>
          {t(ordinalKey, { count: rank, ordinal: true })}
        </span>{' '}
        <span className="level" data-cell="role">
          {t(`directory.role.${contact.role}`)}
        </span>{' '}
        <strong data-cell="name">{localName(contact.names, language)}</strong>
        {others.length > 0 && <span className="hint"> ({others.map(([lang, name]) => `${lang}: ${name}`).join('; ')})</span>}{' '}
        <AvailabilityBadge open={contactAvailableAt(contact.hours, timeZone, now)} />
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
                <ChannelText channel={ch} />
              </li>
            ))}
          </ul>
        </dd>
      </dl>
    </li>
  );
}

/** Contacts in the order they are tried when nobody answers. */
export function inEscalationOrder(contacts: readonly DirectoryContact[]): DirectoryContact[] {
  return [...contacts].sort((x, y) => (x.escalation_order ?? 1000) - (y.escalation_order ?? 1000));
}

/** The last contact over federation and the last ping test this node sent the peer. */
function PeerLine({ facts }: { facts: PeerFacts }) {
  const { t } = useTranslation();
  const formatDate = useFormatDate();
  const formatRelative = useFormatRelative();
  const formatDuration = useFormatDuration();
  const test = facts.lastPingTest;
  if (facts.lastContactAt === undefined && !test) return null;
  return (
    <p className="hint peer-facts">
      {facts.lastContactAt !== undefined && (
        <span data-cell="last-contact" title={facts.lastContactAt ? formatDate(facts.lastContactAt) : undefined}>
          {t('directory.lastContact', { when: facts.lastContactAt ? formatRelative(facts.lastContactAt) : t('common.never') })}
        </span>
      )}
      {facts.lastContactAt !== undefined && test && ' · '}
      {test && (
        <span data-cell="last-ping-test" data-status={test.status} title={formatDate(test.started_at)}>
          {test.status === 'answered'
            ? t('directory.lastPingAnswered', { time: formatDuration(test.response_ms), when: formatRelative(test.started_at) })
            : t(`directory.lastPing.${test.status}`, { when: formatRelative(test.started_at), defaultValue: test.status })}
        </span>
      )}
    </p>
  );
}

/**
 * One authority's entry: names, country, freshness, version, its local time and whether it is
 * staffed now, what this node last heard from it, and its points of contact in escalation order.
 */
export function DirectoryCard({ listing, now, facts }: { listing: DirectoryListing; now: Date; facts?: PeerFacts }) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const formatDate = useFormatDate();
  const formatRelative = useFormatRelative();
  const { entry, freshness } = listing;
  const contacts = inEscalationOrder(entry.contacts);
  const warn = freshness === 'stale' || freshness === 'expired';
  const clock = localClock(entry.time_zone, now);
  return (
    <article className={`card directory-card freshness-${freshness}`} data-node={entry.node_id} data-freshness={freshness} aria-labelledby={`dir-${entry.node_id}`}>
      <header className="directory-card-head">
        <h2 id={`dir-${entry.node_id}`} data-cell="authority">
          {localName(entry.authority_names, language)}
        </h2>
        <FreshnessBadge freshness={freshness} />
        <AvailabilityBadge open={availableNow(entry, now)} testId="available-now" />
        {listing.own && <span className="status status-self">{t('directory.ownBadge')}</span>}
      </header>
      {warn && (
        <p className="alert alert-error" data-testid="freshness-warning">
          {t(`directory.freshnessWarning.${freshness}`)}
        </p>
      )}
      <p className="hint">
        <span data-cell="country" data-country={entry.country}>
          {countryName(entry.country, language)}
        </span>{' '}
        · <code>{entry.node_id}</code> · {t('directory.versionN', { n: entry.version })} · <span title={formatDate(entry.published_at)}>{t('directory.publishedAgo', { when: formatRelative(entry.published_at) })}</span> ·{' '}
        {t('directory.validUntil', { date: formatDate(entry.valid_until) })}
      </p>
      <p className="hint">
        <span data-cell="kinds">{entry.authority_kinds.map((k) => kindLabel(t, k)).join(', ')}</span> ·{' '}
        <span data-cell="local-time">{clock ? t('directory.localTime', { time: clock.hhmm, zone: entry.time_zone }) : `${t('directory.timeZone')}: ${entry.time_zone}`}</span> · {t('directory.languages')}:{' '}
        {entry.languages.join(', ')}
      </p>
      {facts && <PeerLine facts={facts} />}
      <ul className="plain contact-list">
        {contacts.map((c, i) => (
          <ContactItem key={c.id} contact={c} timeZone={entry.time_zone} rank={i + 1} now={now} />
        ))}
      </ul>
    </article>
  );
}
