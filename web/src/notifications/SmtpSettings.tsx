import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { SMTP_SECURITIES, type SmtpSecurity, type SmtpSettings, type SmtpSettingsChange, type SmtpTestResult } from '../api/types.js';
import { useAction } from '../shared/hooks/useResource.js';
import { ErrorAlert } from '../shared/ui/ErrorAlert.js';
import { FormErrors } from '../shared/forms/FormErrors.js';
import { Field, Options, SelectField } from '../shared/ui/Field.js';
import { FormActions } from '../shared/ui/FormActions.js';

/** The usual port of each kind of connection, proposed when the security is changed. */
const DEFAULT_PORT: Record<SmtpSecurity, number> = { starttls: 587, tls: 465, none: 25 };

interface Draft {
  host: string;
  port: string;
  security: SmtpSecurity;
  username: string;
  /** Empty: keep the stored password (the server never sends it). */
  password: string;
  removePassword: boolean;
  from: string;
}

function draftOf(s: SmtpSettings): Draft {
  const security = s.security === 'starttls' || s.security === 'tls' || s.security === 'none' ? s.security : 'starttls';
  return { host: s.host ?? '', port: String(s.port ?? DEFAULT_PORT[security]), security, username: s.username ?? '', password: '', removePassword: false, from: s.from ?? '' };
}

/** The change to send: the password only when typed (or removed), so that the stored one is kept otherwise. */
function changeOf(d: Draft): SmtpSettingsChange {
  const username = d.username.trim() || null;
  const base = { host: d.host.trim(), port: Number(d.port), security: d.security, username, from: d.from.trim() };
  if (d.removePassword || username === null) return { ...base, password: null };
  return d.password ? { ...base, password: d.password } : base;
}

/**
 * For administrators: the node's mail server. Set from the environment (ACCORD_SMTP_URL) it is
 * only shown; otherwise it is saved or removed here. The password is write-only: the page
 * shows whether one is set. A test e-mail shows the server's answer or why it failed.
 */
export function SmtpSettingsCard({
  settings,
  defaultTestAddress,
  onSave,
  onRemove,
  onTest,
}: {
  settings: SmtpSettings;
  defaultTestAddress: string;
  onSave: (change: SmtpSettingsChange) => Promise<SmtpSettings>;
  onRemove: () => Promise<SmtpSettings>;
  onTest: (to: string) => Promise<SmtpTestResult>;
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<Draft>(() => draftOf(settings));
  const [done, setDone] = useState<'saved' | 'removed' | null>(null);
  const save = useAction();
  const fromEnvironment = settings.source === 'environment';

  function set<K extends keyof Draft>(key: K, value: Draft[K]) {
    setDone(null);
    setDraft((d) => ({ ...d, [key]: value }));
  }

  function handleSecurity(security: SmtpSecurity) {
    // A port still at the old default follows the new security.
    setDraft((d) => ({ ...d, security, port: d.port === String(DEFAULT_PORT[d.security]) || d.port === '' ? String(DEFAULT_PORT[security]) : d.port }));
    setDone(null);
  }

  async function handleSubmit(e: FormEvent) {
    e.preventDefault();
    setDone(null);
    const saved = await save.run(() => onSave(changeOf(draft)));
    if (!saved) return;
    setDraft(draftOf(saved));
    setDone('saved');
  }

  async function handleRemove() {
    setDone(null);
    const removed = await save.run(onRemove);
    if (!removed) return;
    setDraft(draftOf(removed));
    setDone('removed');
  }

  return (
    <section className="card smtp-settings" aria-labelledby="smtp-title">
      <h2 id="smtp-title">{t('notifications.smtp.title')}</h2>
      <p className="hint" data-testid="smtp-source">
        {t(`notifications.smtp.source.${settings.source}`)}
      </p>
      {fromEnvironment ? (
        <SmtpSummary settings={settings} />
      ) : (
        <form onSubmit={(e) => void handleSubmit(e)} aria-label={t('notifications.smtp.title')} noValidate>
          <FormErrors error={save.error} operation="PUT /api/v1/notifications/smtp">
          <ErrorAlert error={save.error} />
          {done && (
            <p className="alert alert-success" role="status" data-testid="smtp-done">
              {t(done === 'saved' ? 'notifications.smtp.saved' : 'notifications.smtp.removed')}
            </p>
          )}
          <div className="form-grid">
            <Field label={t('notifications.smtp.host')} pointer="/host" hint={t('notifications.smtp.hostHint')} autoComplete="off" spellCheck={false} required maxLength={253} value={draft.host} onChange={(e) => set('host', e.target.value)} />
            <SelectField label={t('notifications.smtp.security')} pointer="/security" value={draft.security} onChange={(e) => handleSecurity(e.target.value as SmtpSecurity)}>
              <Options values={SMTP_SECURITIES} label={(s) => t(`notifications.smtp.securities.${s}`)} />
            </SelectField>
            <Field label={t('notifications.smtp.port')} pointer="/port" type="number" inputMode="numeric" min={1} max={65535} required value={draft.port} onChange={(e) => set('port', e.target.value)} />
            <Field label={t('notifications.smtp.from')} pointer="/from" hint={t('notifications.smtp.fromHint')} autoComplete="off" required maxLength={320} placeholder="Accord <accord@cert.example.org>" value={draft.from} onChange={(e) => set('from', e.target.value)} />
            <Field label={t('notifications.smtp.username')} pointer="/username" hint={t('notifications.smtp.usernameHint')} autoComplete="off" spellCheck={false} maxLength={320} value={draft.username} onChange={(e) => set('username', e.target.value)} />
            <Field
              label={t('notifications.smtp.password')}
              pointer="/password"
              hint={settings.password_set ? t('notifications.smtp.passwordKeepHint') : t('notifications.smtp.passwordHint')}
              type="password"
              autoComplete="new-password"
              maxLength={1000}
              placeholder={settings.password_set ? t('notifications.smtp.passwordSetPlaceholder') : ''}
              disabled={draft.removePassword}
              value={draft.password}
              onChange={(e) => set('password', e.target.value)}
            />
          </div>
          <p data-testid="smtp-password-state">{settings.password_set ? t('notifications.smtp.passwordSet') : t('notifications.smtp.passwordNotSet')}</p>
          {settings.password_set && (
            <label className="inline-field">
              <input type="checkbox" checked={draft.removePassword} onChange={(e) => set('removePassword', e.target.checked)} />
              {t('notifications.smtp.removePassword')}
            </label>
          )}
          <FormActions label={t('notifications.smtp.save')} busyLabel={t('notifications.saving')} busy={save.busy}>
            {settings.source === 'web' && (
              <button type="button" className="secondary danger" disabled={save.busy} onClick={() => void handleRemove()}>
                {t('notifications.smtp.remove')}
              </button>
            )}
          </FormActions>
          </FormErrors>
        </form>
      )}
      {settings.source !== 'none' && <SmtpTest key={settings.updated_at ?? settings.source} defaultTo={defaultTestAddress} onTest={onTest} />}
    </section>
  );
}

/** The mail server set by ACCORD_SMTP_URL, read-only. */
function SmtpSummary({ settings }: { settings: SmtpSettings }) {
  const { t } = useTranslation();
  const rows: [string, string][] = [
    [t('notifications.smtp.host'), settings.host ?? ''],
    [t('notifications.smtp.port'), String(settings.port ?? '')],
    [t('notifications.smtp.security'), settings.security ? t(`notifications.smtp.securities.${settings.security}`) : ''],
    [t('notifications.smtp.username'), settings.username ?? '—'],
    [t('notifications.smtp.password'), settings.password_set ? t('notifications.smtp.passwordSetShort') : '—'],
    [t('notifications.smtp.from'), settings.from ?? ''],
  ];
  return (
    <dl className="smtp-summary" data-testid="smtp-summary">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

/** "Send a test e-mail": the server's answer, or why it was not sent. */
function SmtpTest({ defaultTo, onTest }: { defaultTo: string; onTest: (to: string) => Promise<SmtpTestResult> }) {
  const { t } = useTranslation();
  const [to, setTo] = useState(defaultTo);
  const [result, setResult] = useState<SmtpTestResult | null>(null);
  const { busy, error, run } = useAction();

  async function handleSubmit(e: FormEvent) {
    e.preventDefault();
    setResult(null);
    const r = await run(() => onTest(to.trim()));
    if (r) setResult(r);
  }

  return (
    <form className="smtp-test" onSubmit={(e) => void handleSubmit(e)} aria-labelledby="smtp-test-title" noValidate>
      <h3 id="smtp-test-title">{t('notifications.smtp.testTitle')}</h3>
      <ErrorAlert error={error} />
      {result && (
        <p className={`alert ${result.sent ? 'alert-success' : 'alert-error'}`} role="status" data-testid="smtp-test-result" data-sent={result.sent}>
          {result.sent ? t('notifications.smtp.testSent', { response: result.response ?? '' }) : t('notifications.smtp.testFailed', { error: result.error ?? '' })}
        </p>
      )}
      <Field label={t('notifications.smtp.testTo')} type="email" autoComplete="email" required maxLength={320} value={to} onChange={(e) => setTo(e.target.value)} className="wide-input" />
      <FormActions label={t('notifications.smtp.sendTest')} busyLabel={t('notifications.sending')} busy={busy} disabled={to.trim() === ''} />
    </form>
  );
}
