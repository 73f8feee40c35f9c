import type { ReactNode } from 'react';

/** A page's heading and one-line introduction. */
export function PageHeader({ title, intro, children }: { title: string; intro?: string; children?: ReactNode }) {
  return (
    <div className="page-header">
      <div>
        <h1>{title}</h1>
        {intro && <p className="intro">{intro}</p>}
      </div>
      {children && <div className="page-actions">{children}</div>}
    </div>
  );
}
