import { useTranslation } from 'react-i18next';
import { onLink } from '../cases/paths.js';
import { objectPath } from './intelApi.js';
import { starLayout, typeOfId, type StixLink } from './stix.view.js';

const WIDTH = 640;
const HEIGHT = 360;

/**
 * The object and what it links to, as a picture: the object in the middle, each referenced
 * object around it with the property that links them on the edge. A referenced object this
 * node holds (and the reader may see) is a link to its page; one it does not is drawn dashed.
 */
export function ObjectGraph({ id, title, links, names, navigate }: { id: string; title: string; links: readonly StixLink[]; names: ReadonlyMap<string, string>; navigate: (path: string) => void }) {
  const { t } = useTranslation();
  const targets = [...new Set(links.map((l) => l.to))].slice(0, 24);
  const nodes = starLayout(id, targets, WIDTH, HEIGHT);
  const at = new Map(nodes.map((n) => [n.id, n]));
  const link = onLink(navigate);
  return (
    <figure className="intel-graph">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={t('intel.graph.label', { count: targets.length })} data-testid="object-graph">
        {links
          .filter((l) => at.has(l.to))
          .map((l) => {
            const a = at.get(id)!;
            const b = at.get(l.to)!;
            return (
              <g key={`${l.property} ${l.to}`} className="edge">
                <line x1={a.x} y1={a.y} x2={b.x} y2={b.y} />
                <text x={(a.x + b.x) / 2} y={(a.y + b.y) / 2 - 4} textAnchor="middle">
                  {l.property.replace(/_refs?$/, '')}
                </text>
              </g>
            );
          })}
        {nodes.map((n, i) => {
          const known = i === 0 || names.has(n.id);
          const label = i === 0 ? title : (names.get(n.id) ?? typeOfId(n.id));
          const circle = (
            <g className={`node${i === 0 ? ' center' : ''}${known ? '' : ' unknown'}`} data-ref={n.id}>
              <circle cx={n.x} cy={n.y} r={i === 0 ? 26 : 18} />
              <text x={n.x} y={n.y + (i === 0 ? 44 : 34)} textAnchor="middle">
                {label.length > 28 ? `${label.slice(0, 27)}…` : label}
              </text>
              <text x={n.x} y={n.y + 4} textAnchor="middle" className="type">
                {typeOfId(n.id).slice(0, 3)}
              </text>
            </g>
          );
          return i > 0 && known ? (
            <a key={n.id} href={objectPath(n.id)} onClick={link}>
              {circle}
            </a>
          ) : (
            <g key={n.id}>{circle}</g>
          );
        })}
      </svg>
      <figcaption>{targets.length ? t('intel.graph.caption') : t('intel.graph.none')}</figcaption>
    </figure>
  );
}
