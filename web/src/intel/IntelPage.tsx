import { ObjectList } from './ObjectList.js';
import { ObjectPage } from './ObjectPage.js';
import { INTEL_PATH } from './intelApi.js';
import './intel.css';

/** Threat intelligence: the objects list (with import) at /intelligence, an object at /intelligence/objects/ID. */
export function IntelPage({ path, navigate }: { path: string; navigate: (path: string) => void }) {
  const rest = path.startsWith(`${INTEL_PATH}/objects/`) ? decodeURIComponent(path.slice(`${INTEL_PATH}/objects/`.length).replace(/\/+$/, '')) : null;
  if (rest) return <ObjectPage id={rest} navigate={navigate} />;
  return <ObjectList navigate={navigate} />;
}
