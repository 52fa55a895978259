import { useEffect, type ReactNode } from 'react';

export interface PageProps {
  title: string;
  /** Under the title: a count, a date range. */
  subtitle?: ReactNode;
  /** Buttons on the right of the header. */
  actions?: ReactNode;
  children?: ReactNode;
  /** The body scrolls by itself (a timeline): the page does not add its own scrolling. */
  fill?: boolean;
}

/** A page of the signed-in app: a header (title, actions) over its content; sets the document title. */
export function Page({ title, subtitle, actions, children, fill }: PageProps) {
  useEffect(() => {
    document.title = `${title} — Skyroll`;
  }, [title]);
  return (
    <main className={fill ? 'page page-fill' : 'page'}>
      <header className="page-header">
        <div className="page-titles">
          <h1>{title}</h1>
          {subtitle && <div className="page-subtitle">{subtitle}</div>}
        </div>
        {actions && <div className="page-actions">{actions}</div>}
      </header>
      <div className="page-body">{children}</div>
    </main>
  );
}
