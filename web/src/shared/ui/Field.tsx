import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';

type FieldProps = InputHTMLAttributes<HTMLInputElement> & { label: string; hint?: string; invalid?: boolean };

/** A labelled input, with an optional hint tied to it by aria-describedby; `invalid` marks the input and shows the hint as an error. */
export function Field({ label, hint, invalid, id, ...input }: FieldProps) {
  const generated = useId();
  const inputId = id ?? generated;
  const hintId = hint ? `${inputId}-hint` : undefined;
  return (
    <div className="field">
      <label htmlFor={inputId}>{label}</label>
      <input id={inputId} aria-invalid={invalid} aria-describedby={hintId} {...input} />
      {hint && (
        <p id={hintId} className={invalid ? 'field-error' : 'hint'}>
          {hint}
        </p>
      )}
    </div>
  );
}

/** A labelled choice; the options are its children (see Options). */
export function SelectField({ label, id, children, ...select }: SelectHTMLAttributes<HTMLSelectElement> & { label: ReactNode }) {
  const generated = useId();
  const selectId = id ?? generated;
  return (
    <div className="field">
      <label htmlFor={selectId}>{label}</label>
      <select id={selectId} {...select}>
        {children}
      </select>
    </div>
  );
}

/** A labelled text area; `children` follow it inside the field (the buttons that send it). */
export function TextAreaField({ label, id, children, ...textarea }: TextareaHTMLAttributes<HTMLTextAreaElement> & { label: ReactNode }) {
  const generated = useId();
  const areaId = id ?? generated;
  return (
    <div className="field">
      <label htmlFor={areaId}>{label}</label>
      <textarea id={areaId} {...textarea} />
      {children}
    </div>
  );
}

/** An option per value, labelled by `label` (usually the value's translation). */
export function Options<T extends string>({ values, label }: { values: readonly T[]; label: (value: T) => ReactNode }) {
  return (
    <>
      {values.map((v) => (
        <option key={v} value={v}>
          {label(v)}
        </option>
      ))}
    </>
  );
}
