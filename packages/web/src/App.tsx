import { useRef } from 'react';
import { Redirect, Route, Switch, useLocation } from 'wouter';
import { Shell } from './layout/Shell';
import { AlbumPage } from './pages/AlbumPage';
import { AlbumsPage } from './pages/AlbumsPage';
import { DevicesPage } from './pages/DevicesPage';
import { FavoritesPage } from './pages/FavoritesPage';
import { HiddenPage } from './pages/HiddenPage';
import { LoginPage } from './pages/LoginPage';
import { PhotosPage } from './pages/PhotosPage';
import { SignupPage } from './pages/SignupPage';
import { StoragePage } from './pages/StoragePage';
import { TrashPage } from './pages/TrashPage';
import { SessionProvider, useSession } from './session/SessionProvider';
import { ToastProvider } from './ui/toast';
import { Viewer } from './viewer/Viewer';
import { viewerAssetId } from './viewer/viewer-navigation';

export function App() {
  return (
    <ToastProvider>
      <SessionProvider>
        <Routes />
      </SessionProvider>
    </ToastProvider>
  );
}

const PUBLIC_PATHS = ['/login', '/signup'];

/** Signed out: only sign-in and sign-up. Signed in: the library, with the viewer over it. */
function Routes() {
  const { state } = useSession();
  const [location] = useLocation();
  const background = useRef('/');

  if (state.status === 'loading') return <div className="app-loading" aria-busy="true" />;
  if (state.status === 'signed-out') {
    if (!PUBLIC_PATHS.includes(location)) return <Redirect to="/login" replace />;
    return (
      <Switch>
        <Route path="/signup" component={SignupPage} />
        <Route component={LoginPage} />
      </Switch>
    );
  }
  if (PUBLIC_PATHS.includes(location)) return <Redirect to="/" replace />;

  // The viewer opens over the page it came from, which stays mounted (and scrolled) beneath it.
  const photoId = viewerAssetId(location);
  if (photoId === null) background.current = location;
  return (
    <Shell>
      <Switch location={background.current}>
        <Route path="/" component={PhotosPage} />
        <Route path="/favorites" component={FavoritesPage} />
        <Route path="/hidden" component={HiddenPage} />
        <Route path="/albums" component={AlbumsPage} />
        <Route path="/albums/:id">{(params) => <AlbumPage id={params.id} />}</Route>
        <Route path="/trash" component={TrashPage} />
        <Route path="/storage" component={StoragePage} />
        <Route path="/devices" component={DevicesPage} />
        <Route>
          <NotFound />
        </Route>
      </Switch>
      {photoId !== null && <Viewer id={photoId} background={background.current} />}
    </Shell>
  );
}

function NotFound() {
  return (
    <main className="page">
      <div className="page-body empty-state">
        <strong>Nothing here</strong>
        <span>This page does not exist. Pick a place from the menu.</span>
      </div>
    </main>
  );
}
