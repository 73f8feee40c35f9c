import type { Body, Method, PathOf, PathParams, Problem, Query, Res } from './types.js';

/** An API call that failed; `problem` is the server's problem+json body (or one made up for network errors). */
export class ApiError extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiError';
    this.problem = problem;
  }
  get status(): number {
    return this.problem.status;
  }
  /** The last part of the problem type, e.g. `invalid-credentials` for `urn:accord:problem:invalid-credentials`. */
  get slug(): string {
    const t = this.problem.type;
    return t.slice(Math.max(t.lastIndexOf(':'), t.lastIndexOf('/')) + 1);
  }
}

let csrfToken: string | null = null;
let onUnauthenticated: (() => void) | null = null;

/** The session's CSRF token, sent on every state-changing request. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when a request made with a session comes back 401 (the session ended or expired). */
export function setUnauthenticatedHandler(handler: (() => void) | null): void {
  onUnauthenticated = handler;
}

async function problemOf(res: Response): Promise<Problem> {
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const body = (await res.json()) as Partial<Problem>;
      return { type: body.type ?? 'about:blank', title: body.title ?? res.statusText, status: body.status ?? res.status, ...body } as Problem;
    } catch {
      // fall through to a generic problem
    }
  }
  return { type: 'about:blank', title: res.statusText || 'Error', status: res.status };
}

export interface RequestOptions {
  /** Do not treat a 401 as "the session ended" (sign-in and the session probe). */
  quiet401?: boolean;
}

/** One JSON request to the node's API on the same origin. */
export async function request<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch (e) {
    throw new ApiError({ type: 'network-error', title: 'Network error', status: 0, detail: e instanceof Error ? e.message : String(e) });
  }
  if (!res.ok) {
    const problem = await problemOf(res);
    const error = new ApiError(problem);
    if (res.status === 401 && error.slug === 'unauthenticated' && !options.quiet401) onUnauthenticated?.();
    throw error;
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A call's path parameters, query and body, each required exactly when the API requires it. */
type Init<P extends PathOf<M>, M extends Method> = RequestOptions &
  (PathParams<P, M> extends undefined ? { path?: never } : { path: PathParams<P, M> }) & { query?: Query<P, M> } & (Body<P, M> extends undefined ? { body?: never } : { body: Body<P, M> });
type Args<P extends PathOf<M>, M extends Method> = object extends Init<P, M> ? [init?: Init<P, M>] : [init: Init<P, M>];

/** A call by the API's own path (`/api/v1/users/{id}`): a path, parameter or body the API does not have fails to compile. */
function typed<M extends Method>(method: M) {
  return <P extends PathOf<M>>(path: P, ...[init]: Args<P, M>): Promise<Res<P, M>> => {
    const { path: params, query, body, ...options } = (init ?? {}) as { path?: Record<string, string>; query?: Record<string, unknown>; body?: unknown } & RequestOptions;
    const url = params ? path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? '')) : path;
    const qs = query ? new URLSearchParams(Object.entries(query).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]]))).toString() : '';
    return request<Res<P, M>>(method.toUpperCase(), qs ? `${url}?${qs}` : url, body, options);
  };
}

export const api = { get: typed('get'), post: typed('post'), put: typed('put'), patch: typed('patch'), delete: typed('delete') };
