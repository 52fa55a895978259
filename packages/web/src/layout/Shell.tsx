import type { ReactNode } from 'react';
import { UploadProvider } from '../upload/UploadProvider';
import { Nav } from './Nav';
import './shell.css';

/** The signed-in app: navigation beside (or below, on a phone) the current page, uploads across pages. */
export function Shell({ children }: { children: ReactNode }) {
  return (
    <UploadProvider>
      <div className="shell">
        <Nav />
        <div className="shell-content">{children}</div>
      </div>
    </UploadProvider>
  );
}
