import { useId, type ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Role } from '../api/types.js';
import { Options } from '../shared/ui/Field.js';

/** A labelled choice of role; `hideLabel` keeps the label for screen readers only (table cells). */
export function RoleSelect({ label, value, onChange, roles, disabled, hideLabel }: { label: string; value: Role; onChange: (role: Role) => void; roles: readonly Role[]; disabled?: boolean; hideLabel?: boolean }) {
  const { t } = useTranslation();
  const id = useId();

  function handleChange(e: ChangeEvent<HTMLSelectElement>) {
    onChange(e.target.value as Role);
  }

  return (
    <div className={hideLabel ? 'inline-field' : 'field'}>
      <label htmlFor={id} className={hideLabel ? 'visually-hidden' : undefined}>
        {label}
      </label>
      <select id={id} className="role-select" value={value} onChange={handleChange} disabled={disabled}>
        <Options values={roles} label={(r) => t(`roles.${r}`)} />
      </select>
    </div>
  );
}
