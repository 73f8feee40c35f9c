import { useCallback, useState } from 'react';
import { audit } from '../api/endpoints.js';
import type { AuditVerification } from '../api/types.js';
import { useAction, useResource } from '../shared/hooks/useResource.js';

export const AUDIT_PAGE_SIZE = 50;

/** Pages through the audit log, newest first, and verifies its hash chain. */
export function useAudit() {
  // cursors[i] is the `before` of page i; page 0 starts at the newest entry
  const [cursors, setCursors] = useState<(number | undefined)[]>([undefined]);
  const page = cursors.length - 1;
  const before = cursors[page];
  const resource = useResource(() => audit.page(AUDIT_PAGE_SIZE, before), before ?? 'newest');
  const nextBefore = resource.data?.next_before ?? null;

  const older = useCallback(() => {
    if (nextBefore !== null) setCursors((c) => [...c, nextBefore]);
  }, [nextBefore]);
  const newer = useCallback(() => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)), []);
  const newest = useCallback(() => {
    setCursors([undefined]);
    if (before === undefined) void resource.reload();
  }, [before, resource]);

  const [verification, setVerification] = useState<AuditVerification | null>(null);
  const { run: runVerify, busy: verifying, error: verifyError } = useAction();
  const verify = useCallback(async () => {
    setVerification(null);
    const result = await runVerify(audit.verify);
    if (result) setVerification(result);
  }, [runVerify]);

  return {
    ...resource,
    page,
    hasOlder: nextBefore !== null,
    hasNewer: page > 0,
    older,
    newer,
    newest,
    verification,
    verify,
    verifying,
    verifyError,
  };
}
