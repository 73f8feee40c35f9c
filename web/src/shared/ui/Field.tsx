import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';

/** What every field shares: a div.field with a label for the control `children` makes with the given id. */
function Labelled({ label, id, children }: { label: ReactNode; id: string | undefined; children: (id: string) => ReactNode }) {
  const generated = useId();
  const controlId = id ?? generated;
  return (
    <div className="field">
      <label htmlFor={controlId}>{label}</label>
      {children(controlId)}
    </div>
  );
}

type FieldProps = InputHTMLAttributes<HTMLInputElement> & { label: string; hint?: string; invalid?: boolean };

/** A labelled input, with an optional hint tied to it by aria-describedby; `invalid` marks the input and shows the hint as an error. */
export function Field({ label, hint, invalid, id, ...input }: FieldProps) {
  return (
    <Labelled label={label} id={id}>
      {(inputId) => {
        const hintId = hint ? `${inputId}-hint` : undefined;
        return (
          <>
            <input id={inputId} aria-invalid={invalid} aria-describedby={hintId} {...input} />
            {hint && (
              <p id={hintId} className={invalid ? 'field-error' : 'hint'}>
                {hint}
              </p>
            )}
          </>
        );
      }}
    </Labelled>
  );
}

/** A labelled choice; the options are its children (see Options). */
export function SelectField({ label, id, children, ...select }: SelectHTMLAttributes<HTMLSelectElement> & { label: ReactNode }) {
  return (
    <Labelled label={label} id={id}>
      {(selectId) => (
        <select id={selectId} {...select}>
          {children}
        </select>
      )}
    </Labelled>
  );
}

/** A labelled text area; `children` follow it inside the field (the buttons that send it). */
export function TextAreaField({ label, id, children, ...textarea }: TextareaHTMLAttributes<HTMLTextAreaElement> & { label: ReactNode }) {
  return (
    <Labelled label={label} id={id}>
      {(areaId) => (
        <>
          <textarea id={areaId} {...textarea} />
          {children}
        </>
      )}
    </Labelled>
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
