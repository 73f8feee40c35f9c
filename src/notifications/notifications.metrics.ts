import { defineCounter } from '../http/metrics.js';

/** What became of each attempt of the worker: sent, retry (failed, tried again later), failed (gave up), skipped (channel turned off). */
export const notificationResults = defineCounter('accord_notifications_total', 'Notification attempts by channel and result (sent, retry, failed, skipped)', ['channel', 'result']);
