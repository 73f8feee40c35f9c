import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { onLink } from '../cases/paths.js';
import { useFormatDate } from '../shared/hooks/useFormat.js';
import { useResource } from '../shared/hooks/useResource.js';
import { LoadState } from '../shared/ui/LoadState.js';
import { INTEL_PATH, intelApi, objectPath } from './intelApi.js';
import { ObjectGraph } from './ObjectGraph.js';
import { displayName, outgoingLinks } from './stix.view.js';
import { TlpBadge } from './TlpBadge.js';

/** One object: its marking and where it came from, every version held, its links as a graph, the relationships and sightings pointing at it, and the STIX JSON of the version chosen. */
export function ObjectPage({ id, navigate }: { id: string; navigate: (path: string) => void }) {
  const { t } = useTranslation();
  const formatDate = useFormatDate();
  const load = useCallback(() => intelApi.versions(id), [id]);
  const res = useResource(load, id);
  const versions = res.data?.versions;
  const [chosen, setChosen] = useState<number | null>(null);
  const shown = versions ? versions[chosen ?? versions.length - 1] : undefined;
  const links = shown ? outgoingLinks(shown.object) : [];
  const loadIncoming = useCallback(() => intelApi.incoming(id), [id]);
  const incoming = useResource(loadIncoming, id);
  const sources = (incoming.data?.incoming ?? []).map((r) => r.object.source_ref).filter((x): x is string => typeof x === 'string');
  const names = useLinkedNames([...links.map((l) => l.to), ...sources]);

  useEffect(() => setChosen(null), [id]);

  return (
    <>
      <p className="breadcrumb">
        <a href={INTEL_PATH} onClick={onLink(navigate)}>
          {t('intel.title')}
        </a>
      </p>
      <LoadState error={res.error} loading={res.loading && !versions} />
      {shown && versions && (
        <article className="intel-object" data-id={id}>
          <div className="page-header">
            <div>
              <h1>{displayName(shown.object)}</h1>
              <p className="intro">
                <TlpBadge tlp={shown.tlp} /> <code>{shown.type}</code> · <span data-testid="object-origin">{shown.origin === 'local' ? t('intel.origin.local') : t('intel.origin.receivedFrom', { source: shown.source })}</span>
                {shown.revoked && <span className="badge muted">{t('intel.revoked')}</span>}
              </p>
            </div>
          </div>
          <section aria-labelledby="intel-versions">
            <h2 id="intel-versions">{t('intel.object.versions', { count: versions.length })}</h2>
            <ol className="intel-versions">
              {versions.map((v, i) => (
                <li key={v.version || i}>
                  <button type="button" className="link" aria-pressed={v === shown} onClick={() => setChosen(i)}>
                    {v.version ? formatDate(v.version) : t('intel.object.unversioned')}
                  </button>{' '}
                  <span className="hint">{t('intel.object.added', { when: formatDate(v.date_added) })}</span>
                </li>
              ))}
            </ol>
          </section>
          <section aria-labelledby="intel-links">
            <h2 id="intel-links">{t('intel.object.links')}</h2>
            <ObjectGraph id={id} title={displayName(shown.object)} links={links} names={names} navigate={navigate} />
          </section>
          <section aria-labelledby="intel-incoming">
            <h2 id="intel-incoming">{t('intel.object.incoming')}</h2>
            <LoadState error={incoming.error} loading={incoming.loading && !incoming.data} />
            {incoming.data && incoming.data.incoming.length === 0 && <p className="hint">{t('intel.object.incomingNone')}</p>}
            {incoming.data && incoming.data.incoming.length > 0 && (
              <ul className="intel-incoming" data-testid="object-incoming">
                {incoming.data.incoming.map((r) => {
                  const from = typeof r.object.source_ref === 'string' ? r.object.source_ref : null;
                  const kind = r.type === 'sighting' ? t('intel.object.sightingOf') : typeof r.object.relationship_type === 'string' ? r.object.relationship_type : r.type;
                  return (
                    <li key={r.id} data-id={r.id}>
                      <TlpBadge tlp={r.tlp} />{' '}
                      {from && (
                        <>
                          <a href={objectPath(from)} onClick={onLink(navigate)}>
                            {names.get(from) ?? from}
                          </a>{' '}
                        </>
                      )}
                      <a href={objectPath(r.id)} onClick={onLink(navigate)}>
                        <code>{kind}</code>
                      </a>{' '}
                      → {displayName(shown.object)}
                    </li>
                  );
                })}
              </ul>
            )}
            {incoming.data?.truncated && <p className="hint">{t('intel.object.incomingMore', { count: incoming.data.incoming.length })}</p>}
          </section>
          <section aria-labelledby="intel-json">
            <h2 id="intel-json">{t('intel.object.json')}</h2>
            <pre className="intel-json" data-testid="object-json">{JSON.stringify(shown.object, null, 2)}</pre>
          </section>
        </article>
      )}
    </>
  );
}

/** The display names of the linked objects this reader may see (at most 24 looked up); the others stay unnamed. */
function useLinkedNames(ids: readonly string[]): ReadonlyMap<string, string> {
  const key = [...new Set(ids)].slice(0, 24).join(' ');
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  useEffect(() => {
    let live = true;
    const wanted = key ? key.split(' ') : [];
    void Promise.all(
      wanted.map(async (ref) => {
        try {
          const r = await intelApi.versions(ref);
          const last = r.versions[r.versions.length - 1];
          return last ? ([ref, displayName(last.object)] as const) : null;
        } catch {
          return null;
        }
      }),
    ).then((found) => {
      if (live) setNames(new Map(found.filter((x): x is readonly [string, string] => x !== null)));
    });
    return () => {
      live = false;
    };
  }, [key]);
  return names;
}
