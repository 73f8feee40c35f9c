import { api } from '../api/client.js';
import type { Body, Res } from '../api/types.js';
import { INTEL_PATH, type Tlp } from './intelApi.js';

export type IntelFeed = Res<'/api/v1/intel/feeds', 'get'>['feeds'][number];
export type NewFeed = Body<'/api/v1/intel/feeds', 'post'>;
export type FeedChange = Body<'/api/v1/intel/feeds/{id}', 'patch'>;

export const FEEDS_PATH = `${INTEL_PATH}/feeds`;

/**
 * The TLP 2.0 marking-definition ids a feed's default marking may be (the node checks them
 * against src/intel/policy/markings.json, from the OASIS TLP 2.0 extension).
 */
export const TLP2_MARKINGS: { level: Tlp; id: string }[] = [
  { level: 'clear', id: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487' },
  { level: 'green', id: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb' },
  { level: 'amber', id: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421' },
  { level: 'amber+strict', id: 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003' },
  { level: 'red', id: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1' },
];

export const feedsApi = {
  list: () => api.get('/api/v1/intel/feeds'),
  create: (input: NewFeed) => api.post('/api/v1/intel/feeds', { body: input }),
  update: (id: string, change: FeedChange) => api.patch('/api/v1/intel/feeds/{id}', { path: { id }, body: change }),
  remove: (id: string) => api.delete('/api/v1/intel/feeds/{id}', { path: { id } }),
  run: (id: string) => api.post('/api/v1/intel/feeds/{id}/run', { path: { id } }),
};
