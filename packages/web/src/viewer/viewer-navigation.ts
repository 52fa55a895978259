/** The viewer's route. */
export function viewerPath(assetId: string): string {
  return `/photo/${assetId}`;
}

export function viewerAssetId(location: string): string | null {
  const match = /^\/photo\/([^/]+)$/.exec(location);
  return match ? decodeURIComponent(match[1]) : null;
}

type Navigate = (to: string, options?: { replace?: boolean }) => void;

/** The viewer was opened by a click in the app (a history entry was pushed): closing goes back. */
let openedInApp = false;

export function openViewer(navigate: Navigate, assetId: string): void {
  openedInApp = true;
  navigate(viewerPath(assetId));
}

/** Steps to another asset without a new history entry, so Back still closes the viewer. */
export function showInViewer(navigate: Navigate, assetId: string): void {
  navigate(viewerPath(assetId), { replace: true });
}

/** Back to the page underneath: history back when the app opened the viewer, else a replace (a shared link). */
export function closeViewer(navigate: Navigate, background: string): void {
  if (openedInApp) {
    openedInApp = false;
    window.history.back();
  } else {
    navigate(background, { replace: true });
  }
}

export function viewerUnmounted(): void {
  openedInApp = false;
}
