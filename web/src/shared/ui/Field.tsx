import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldErrorText, limitOf } from '../forms/field-errors.js';
import { useFieldErrors } from '../forms/FormErrors.js';

/** What a control gets from its field: id, the ids describing it, whether it is in error, and the schema's limits. */
interface ControlProps {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: boolean;
  'data-pointer'?: string;
  required?: boolean;
  maxLength?: number;
  minLength?: number;
}

interface LabelledProps {
  label: ReactNode;
  id: string | undefined;
  /** The field's JSON Pointer in the request body (`/contacts/0/names/en`): its server errors show here. */
  pointer?: string;
  hint?: ReactNode;
  /** Marks the control in error with `hint` as its message (a check the form made itself). */
  invalid?: boolean;
  required?: boolean;
  maxLength?: number;
  minLength?: number;
  /** The current text, for the counter shown near maxLength. */
  length?: number;
  children: (control: ControlProps) => ReactNode;
}

/**
 * What every field shares: a div.field with a label (and a required mark), the control, its
 * hint, its errors (server field errors for `pointer`, translated), and a counter once the text
 * nears the schema's limit. Required and length limits come from the form's operation
 * (web/src/api/limits.ts) unless given.
 */
function Labelled({ label, id, pointer, hint, invalid, required, maxLength, minLength, length, children }: LabelledProps) {
  const { t } = useTranslation();
  const generated = useId();
  const controlId = id ?? generated;
  const { errors, operation } = useFieldErrors(pointer);
  const limit = limitOf(operation, pointer);
  const isRequired = required ?? limit?.required ?? false;
  const max = maxLength ?? limit?.maxLength;
  const min = minLength ?? limit?.minLength;
  const hintId = hint ? `${controlId}-hint` : undefined;
  const errorId = errors.length > 0 ? `${controlId}-error` : undefined;
  const counterId = `${controlId}-counter`;
  const near = max !== undefined && length !== undefined && length >= Math.floor(max * 0.8);
  const describedBy = [errorId, hintId, near ? counterId : undefined].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${isRequired ? ' field-required' : ''}${errors.length > 0 || invalid ? ' field-invalid' : ''}`}>
      {/* The required mark is drawn by CSS (.field-required): the label's text stays the field's name. */}
      <label htmlFor={controlId}>{label}</label>
      {children({
        id: controlId,
        'aria-describedby': describedBy,
        'aria-invalid': errors.length > 0 || invalid ? true : undefined,
        'data-pointer': pointer,
        required: isRequired || undefined,
        maxLength: max,
        minLength: min,
      })}
      {errorId && (
        <p id={errorId} className="field-error">
          {errors.map((e) => fieldErrorText(t, e)).join(' ')}
        </p>
      )}
      {hint && (
        <p id={hintId} className={invalid ? 'field-error' : 'hint'}>
          {hint}
        </p>
      )}
      {near && (
        <p id={counterId} className={`field-counter${length > max ? ' over' : ''}`} aria-live="polite">
          {t('validation.counter', { count: length, limit: max })}
        </p>
      )}
    </div>
  );
}

type Common = { label: ReactNode; hint?: ReactNode; invalid?: boolean; pointer?: string };
type FieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'children'> & Common & { label: string };

const lengthOf = (v: unknown) => (typeof v === 'string' ? [...v].length : undefined);

/** A labelled input; with `pointer` inside FormErrors it shows its server errors and takes the API's limits. */
export function Field({ label, hint, invalid, pointer, id, required, maxLength, minLength, 'aria-invalid': ariaInvalid, ...input }: FieldProps) {
  return (
    <Labelled label={label} id={id} pointer={pointer} hint={hint} invalid={invalid || ariaInvalid === true || ariaInvalid === 'true'} required={required} maxLength={maxLength} minLength={minLength} length={lengthOf(input.value)}>
      {(control) => <input {...input} {...control} />}
    </Labelled>
  );
}

/** A labelled choice; the options are its children (see Options). */
export function SelectField({ label, hint, invalid, pointer, id, required, children, ...select }: SelectHTMLAttributes<HTMLSelectElement> & Common) {
  return (
    <Labelled label={label} id={id} pointer={pointer} hint={hint} invalid={invalid} required={required}>
      {({ maxLength: _max, minLength: _min, ...control }) => (
        <select {...select} {...control}>
          {children}
        </select>
      )}
    </Labelled>
  );
}

/** A labelled text area; `children` follow it inside the field (the buttons that send it). */
export function TextAreaField({ label, hint, invalid, pointer, id, required, maxLength, minLength, children, ...textarea }: TextareaHTMLAttributes<HTMLTextAreaElement> & Common) {
  return (
    <Labelled label={label} id={id} pointer={pointer} hint={hint} invalid={invalid} required={required} maxLength={maxLength} minLength={minLength} length={lengthOf(textarea.value)}>
      {(control) => (
        <>
          <textarea {...textarea} {...control} />
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
