import type { Res } from '../api/types.js';

export type DeskView = Res<'/api/v1/desk', 'get'>;
export type DeskItem = DeskView['items'][number];
export type DeskPeers = NonNullable<DeskView['peers']>;
export type DeskOwnEntry = NonNullable<DeskView['own_entry']>;
