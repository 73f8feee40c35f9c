import { createContext, useContext, useEffect, useMemo, useRef, type ReactNode } from 'react';
import type { LimitedOperation } from '../../api/limits.js';
import { belongsTo, fieldErrorsOf, type FieldError } from './field-errors.js';

interface FormErrorsValue {
  operation?: LimitedOperation;
  errors: FieldError[];
  /** Fields shown in this form, by pointer: errors none of them claims go to the form's alert. */
  claimed: Set<string>;
}

const FormErrorsContext = createContext<FormErrorsValue>({ errors: [], claimed: new Set() });

/**
 * The field errors of a form's last attempt, for the fields inside it: each Field with a
 * `pointer` shows its own, marked aria-invalid, and the first field in error (in page order)
 * is scrolled to and focused. `operation` gives the fields the API's limits (web/src/api/limits.ts).
 * What was typed stays: only the errors change.
 */
export function FormErrors({ error, operation, children }: { error: unknown; operation?: LimitedOperation; children: ReactNode }) {
  const claimed = useRef(new Set<string>()).current;
  const errors = useMemo(() => fieldErrorsOf(error), [error]);
  const value = useMemo(() => ({ operation, errors, claimed }), [operation, errors, claimed]);
  useEffect(() => {
    if (!error) return;
    // After the fields have rendered their errors: the first invalid control in page order.
    const frame = requestAnimationFrame(() => {
      const first = [...document.querySelectorAll<HTMLElement>('[aria-invalid="true"][data-pointer]')].find((el) => errors.some((e) => belongsTo(e.pointer, el.dataset.pointer ?? '\u0000')));
      if (!first) return;
      first.scrollIntoView({ block: 'center' });
      first.focus({ preventScroll: true });
    });
    return () => cancelAnimationFrame(frame);
  }, [error, errors]);
  return <FormErrorsContext.Provider value={value}>{children}</FormErrorsContext.Provider>;
}

/** The errors of the field at `pointer` (and inside it), and the operation whose limits apply. */
export function useFieldErrors(pointer: string | undefined): { errors: FieldError[]; operation?: LimitedOperation } {
  const ctx = useContext(FormErrorsContext);
  useEffect(() => {
    if (pointer === undefined) return;
    ctx.claimed.add(pointer);
    return () => {
      ctx.claimed.delete(pointer);
    };
  }, [ctx.claimed, pointer]);
  const errors = useMemo(() => (pointer === undefined ? [] : ctx.errors.filter((e) => belongsTo(e.pointer, pointer))), [ctx.errors, pointer]);
  return { errors, operation: ctx.operation };
}

/** The errors of the form that no field shown claims (for its alert). */
export function useUnclaimedFieldErrors(): FieldError[] {
  const ctx = useContext(FormErrorsContext);
  return ctx.errors.filter((e) => ![...ctx.claimed].some((p) => belongsTo(e.pointer, p)));
}
