import type { TFunction } from 'i18next';
import { ApiError } from '../api/client.js';
import type { DraftProblem, RequestedSide } from '../api/types.js';
import type { FieldError } from '../shared/forms/field-errors.js';
import { fieldLabel, sourceText, typeTitle, type RequestType } from './catalogue.js';

/** A problem of a draft (or of a refused send) in the user's language: "Required by UN Convention art. 42(3)(c)". */
export function problemText(t: TFunction, p: { pointer: string; code: string; detail?: string }, type: RequestType | undefined, side: RequestedSide | undefined): string {
  const field = /^(?:\/content)?\/fields\/([^/]+)/.exec(p.pointer)?.[1];
  const pointer = p.pointer.replace(/^\/content/, '');
  if (field && p.code === 'missing') {
    const f = type?.fields.find((x) => x.id === field);
    return f ? t('cases.problems.requiredBy', { source: sourceText(t, f.source) }) : t('cases.problems.requiredByPeer');
  }
  if (field && p.code === 'unknown') return t('cases.problems.unknownValue');
  if (pointer === '/type' && p.code === 'not_allowed') return t('cases.problems.typeNotAccepted', { type: type ? typeTitle(t, type.id) : '' });
  if (pointer === '/type' && p.code === 'not_agreed') return t('cases.problems.typeNotAllowed', { type: type ? typeTitle(t, type.id) : '' });
  if (pointer === '/legal_basis' && p.code === 'not_agreed') return t('cases.problems.basisNotAgreed', { list: (side?.agreements ?? []).join(', ') });
  if (pointer === '/legal_basis') return t('cases.problems.basisNotAllowed');
  if (pointer === '/translations' && p.code === 'not_agreed') return t('cases.problems.translationNotAgreed', { languages: [...new Set((side?.bases ?? []).filter((b) => b.type === type?.id).flatMap((b) => b.languages))].join(', ') });
  if (pointer === '/translations' && p.code === 'missing') return t('cases.problems.translationMissing', { languages: (side?.languages ?? []).join(', ') });
  return p.detail ?? t('validation.invalid');
}

/** Where a problem is, for the list at the top of the form: the field's label, or the part of the request. */
export function problemPlace(t: TFunction, pointer: string): string {
  const p = pointer.replace(/^\/content/, '');
  const field = /^\/fields\/([^/]+)/.exec(p)?.[1];
  if (field) return fieldLabel(t, field);
  const part = p.split('/')[1] ?? '';
  return t(`cases.draft.part.${part}`, { defaultValue: part || t('cases.draft.part.request') });
}

/** The draft's problems and the field errors of a refused send, as one error for FormErrors: each shows by its field. */
export function problemsAsError(t: TFunction, problems: readonly DraftProblem[], sendError: unknown, type: RequestType | undefined, side: RequestedSide | undefined): ApiError | null {
  const errors: FieldError[] = problems.map((p) => ({ pointer: `/content${p.pointer}`, code: p.code, text: problemText(t, p, type, side) }));
  if (sendError instanceof ApiError) {
    const sent = (sendError.problem as { errors?: { pointer?: unknown; code?: unknown; message?: unknown }[] }).errors ?? [];
    for (const e of sent) {
      if (typeof e.pointer !== 'string' || typeof e.code !== 'string') continue;
      if (errors.some((x) => x.pointer === e.pointer && x.code === e.code)) continue;
      errors.push({ pointer: e.pointer, code: e.code, text: problemText(t, { pointer: e.pointer, code: e.code, detail: typeof e.message === 'string' ? e.message : undefined }, type, side) });
    }
  }
  if (errors.length === 0) return null;
  return new ApiError({ type: 'urn:accord:problem:invalid-input', title: 'Invalid input', status: 400, errors } as ApiError['problem']);
}
