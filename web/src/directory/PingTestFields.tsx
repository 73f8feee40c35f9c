import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Group, Peer } from '../api/types.js';
import { nodeName } from '../node/useNodeInfo.js';
import { useLanguage } from '../shared/hooks/useLanguage.js';
import { Field, SelectField } from '../shared/ui/Field.js';
import { MAX_WINDOW_MINUTES } from './usePingTests.js';

export type TargetKind = 'node' | 'group';

/** "A peer" or "A group", then which one: the target of a ping test or of a schedule; `children` are more fields beside the choice. */
export function PingTargetPicker({
  peers,
  groups,
  kind,
  target,
  onChange,
  children,
}: {
  peers: Peer[];
  groups: Group[];
  kind: TargetKind;
  target: string;
  onChange: (kind: TargetKind, target: string) => void;
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  const { language } = useLanguage();
  const id = useId();
  const activeGroups = groups.filter((g) => g.status === 'active');
  return (
    <>
      <fieldset className="ping-target-kind">
        <legend>{t('pingTests.targetKind')}</legend>
        {(['node', 'group'] as const).map((k) => (
          <label key={k}>
            <input type="radio" name={`${id}-kind`} value={k} checked={kind === k} onChange={() => onChange(k, '')} /> {t(`pingTests.kind.${k}`)}
          </label>
        ))}
      </fieldset>
      <div className="form-grid">
        <SelectField label={kind === 'node' ? t('pingTests.targetNode') : t('pingTests.targetGroup')} value={target} onChange={(e) => onChange(kind, e.target.value)} pointer={kind === 'node' ? '/node_id' : '/group_id'} required>
          <option value="">{t('pingTests.choose')}</option>
          {kind === 'node'
            ? peers.map((p) => (
                <option key={p.node_id} value={p.node_id}>
                  {nodeName(p, language)} ({p.node_id})
                </option>
              ))
            : activeGroups.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name ?? g.id}
                </option>
              ))}
        </SelectField>
        {children}
      </div>
    </>
  );
}

/** The window field of a ping test or schedule, with its range check; `valid` says whether the text is a window. */
export function WindowField({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  const { t } = useTranslation();
  const valid = isWindow(value);
  return (
    <Field
      label={t('pingTests.window')}
      hint={valid ? t('pingTests.windowHint') : t('pingTests.windowRange', { max: MAX_WINDOW_MINUTES })}
      invalid={!valid}
      pointer="/window_minutes"
      type="number"
      min={1}
      max={MAX_WINDOW_MINUTES}
      value={value}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

/** Whether a typed window is a whole number of minutes the server accepts. */
export function isWindow(text: string): boolean {
  const n = Number(text);
  return text.trim() !== '' && Number.isInteger(n) && n >= 1 && n <= MAX_WINDOW_MINUTES;
}
