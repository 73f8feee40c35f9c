import { useCallback, useState } from 'react';
import { directory } from '../api/endpoints.js';
import type { DirectoryEntryInput, DirectoryFilters, LocalNames, PublishedListing } from '../api/types.js';
import { pickName } from '../i18n/names.js';
import { useResource } from '../shared/hooks/useResource.js';

/** Roles that may publish this node's entry (the server's directory:write). */
export const DIRECTORY_EDIT = ['admin', 'coordinator'] as const;
/**
 * Kinds of authority an entry may name (free text on the wire; these have translations): the
 * kinds a node's identity declares first, so that a new entry starts from them.
 */
export const AUTHORITY_KINDS = ['law_enforcement_24_7', 'cert', 'central_authority', 'diplomatic', 'police', 'prosecutor', 'justice', 'foreign_affairs'] as const;
/** What the search's Kind filter offers: kinds of authority and contact roles (the server matches either). */
export const KIND_FILTERS = [...new Set<string>([...AUTHORITY_KINDS, 'technical_cert'])];
/** Validity of a new entry unless the coordinator chooses another, in days. */
export const DEFAULT_VALID_DAYS = 180;

/** A name in the UI language, else English, else any. */
export function localName(names: LocalNames, language: string): string {
  return pickName(names, language);
}

/** The directory filtered by the given search and filters (reloaded when they change). */
export function useDirectorySearch(filters: DirectoryFilters) {
  const key = JSON.stringify(filters);
  const load = useCallback(() => directory.search(JSON.parse(key) as DirectoryFilters), [key]);
  return useResource(load, key);
}

/** This node's own entry (null before its first publication), saving and re-confirming it. */
export function useOwnEntry() {
  const resource = useResource(directory.own);
  const { setData } = resource;
  const [published, setPublished] = useState<PublishedListing | null>(null);

  const adopt = useCallback(
    (listing: PublishedListing) => {
      const { published_to: _to, ...own } = listing;
      setData(() => own);
      setPublished(listing);
      return listing;
    },
    [setData],
  );

  const publish = useCallback(async (input: DirectoryEntryInput) => adopt(await directory.publish(input)), [adopt]);
  const confirm = useCallback(async (validDays?: number) => adopt(await directory.confirm(validDays)), [adopt]);

  return { ...resource, published, publish, confirm };
}
