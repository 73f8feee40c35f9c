/**
 * The session cookie's name, one per node. Browsers keep cookies per host, not per port, so
 * nodes side by side on one host (a demo, a lab) would share one `accord_session` and signing
 * in to one would sign you out of the other. Over HTTPS the name takes the `__Host-` prefix,
 * which makes the browser accept it only Secure, for path `/` and without a Domain: no other
 * host or subdomain can set or shadow it.
 * @example sessionCookieName('uz-cert', false) → 'accord_session_uz-cert'
 */
export function sessionCookieName(nodeId: string, secure: boolean): string {
  // A cookie name is an RFC 6265 token; a node id is already one, the rest is a safeguard.
  const id = nodeId.replace(/[^A-Za-z0-9_-]/g, '_');
  return `${secure ? '__Host-' : ''}accord_session_${id}`;
}

/** What the cookie is set with; clearing it must name the same path and flags. */
export function sessionCookieOptions(secure: boolean): { path: '/'; httpOnly: true; sameSite: 'strict'; secure: boolean } {
  return { path: '/', httpOnly: true, sameSite: 'strict', secure };
}
