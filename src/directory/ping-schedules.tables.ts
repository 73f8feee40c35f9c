/** A ping test that repeats: of one node or of every member of a group, every `interval_days`. */
export interface PingSchedulesTable {
  id: string;
  node_id: string | null;
  group_id: string | null;
  interval_days: number;
  window_minutes: number;
  /** When the next run is due; the sweep claims a run by moving this forward (compare-and-set). */
  next_run_at: string;
  last_run_at: string | null;
  created_by: string;
  created_at: string;
}

declare module '../store/schema.js' {
  interface Database {
    ping_schedules: PingSchedulesTable;
  }
}
