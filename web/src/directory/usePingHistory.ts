import { useCallback, useState } from 'react';
import { pingTests } from '../api/endpoints.js';
import type { HistoryBucket } from '../api/types.js';
import { useResource } from '../shared/hooks/useResource.js';

/**
 * Ping test results per period (month or quarter) for every node and group tested. Reloaded
 * when the bucket changes and whenever `version` does (pass something that changes with the
 * results, so that the chart follows the tests without polling on its own).
 */
export function usePingHistory(version: string) {
  const [bucket, setBucket] = useState<HistoryBucket>('month');
  const load = useCallback(() => pingTests.history(bucket), [bucket]);
  const resource = useResource(load, `${bucket}|${version}`);
  return { ...resource, bucket, setBucket };
}
