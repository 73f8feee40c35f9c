/** The job runner's bookkeeping: one row per declared job. */
export interface JobsTable {
  name: string;
  next_run_at: string;
  claimed_by: string | null;
  claimed_until: string | null;
  last_started_at: string | null;
  last_finished_at: string | null;
  last_error: string | null;
  runs: number;
  failures: number;
}

declare module '../store/schema.js' {
  interface Database {
    jobs: JobsTable;
  }
}
