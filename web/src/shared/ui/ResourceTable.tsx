import type { ReactNode } from 'react';
import { LoadState } from './LoadState.js';

/**
 * A list as a table: "Loading…" until the rows are there, the empty text when there are
 * none, else a scrolling table with its caption, a header row and a row per item. Without
 * `emptyText`, an empty list still shows the table with its header row.
 */
export function ResourceTable<T>({
  rows,
  loading,
  error,
  emptyText,
  emptyClassName,
  caption,
  captionClassName,
  columns,
  renderRow,
  className,
  testId,
}: {
  /** Undefined until loaded. */
  rows: readonly T[] | undefined;
  loading?: boolean;
  error?: unknown;
  emptyText?: ReactNode;
  emptyClassName?: string;
  caption?: ReactNode;
  captionClassName?: string;
  /** The column headings; a false one (a column only some roles see) is left out. */
  columns: readonly (ReactNode | false)[];
  /** One row (or a fragment of rows), with its key. */
  renderRow: (row: T) => ReactNode;
  className?: string;
  testId?: string;
}) {
  const empty = rows !== undefined && rows.length === 0 && emptyText !== undefined;
  return (
    <>
      <LoadState error={error} loading={Boolean(loading) && rows === undefined} empty={empty} emptyText={emptyText} emptyClassName={emptyClassName} />
      {rows && !empty && (
        <div className="table-scroll">
          <table className={className} data-testid={testId}>
            {caption && <caption className={captionClassName}>{caption}</caption>}
            <thead>
              <tr>
                {columns
                  .filter((c) => c !== false)
                  .map((c, i) => (
                    <th key={i} scope="col">
                      {c}
                    </th>
                  ))}
              </tr>
            </thead>
            <tbody>{rows.map((row) => renderRow(row))}</tbody>
          </table>
        </div>
      )}
    </>
  );
}
