/**
 * The whole database as one type. It starts empty: every module that owns tables adds them
 * from its own `*.tables.ts` (`declare module '…/store/schema.js'`), so the store names no
 * capability and a capability's tables live beside its code.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Database {}
