import { createContext, useContext } from 'react';
import { node } from '../api/endpoints.js';
import type { NodeInfo } from '../api/types.js';
import { pickName } from '../i18n/names.js';
import { useResource, type Resource } from '../shared/hooks/useResource.js';

/** This node's identity, loaded once the session is complete. */
export function useNodeInfoResource(): Resource<NodeInfo> {
  return useResource(node.info);
}

export const NodeInfoContext = createContext<NodeInfo | undefined>(undefined);

export function useNodeInfo(): NodeInfo | undefined {
  return useContext(NodeInfoContext);
}

/** A node's name (this one's or a peer's) in the given language, else English, else any, else its id. */
export function nodeName(info: Pick<NodeInfo, 'names' | 'node_id'>, language: string): string {
  return pickName(info.names, language) || info.node_id;
}

/** A hex fingerprint in groups of four, as people read it aloud to compare out of band. */
export function groupFingerprint(hex: string): string {
  return (hex.match(/.{1,4}/g) ?? []).join(' ');
}
