import type { ComponentType, SVGProps } from 'react';
import { Link, useLocation } from 'wouter';
import { useSession } from '../session/SessionProvider';
import { AlbumIcon, DevicesIcon, HeartIcon, HiddenIcon, PhotosIcon, SignOutIcon, StorageIcon, TrashIcon } from '../ui/icons';

interface NavEntry {
  href: string;
  label: string;
  icon: ComponentType<SVGProps<SVGSVGElement>>;
  /** Left out of the phone's tab bar (reached from the sidebar on wide screens only). */
  wideOnly?: boolean;
}

const ENTRIES: NavEntry[] = [
  { href: '/', label: 'Photos', icon: PhotosIcon },
  { href: '/favorites', label: 'Favorites', icon: HeartIcon },
  { href: '/albums', label: 'Albums', icon: AlbumIcon },
  { href: '/hidden', label: 'Hidden', icon: HiddenIcon, wideOnly: true },
  { href: '/trash', label: 'Recently Deleted', icon: TrashIcon },
  { href: '/storage', label: 'Storage', icon: StorageIcon },
  { href: '/devices', label: 'Devices', icon: DevicesIcon },
];

/**
 * The one navigation of the app: a sidebar on wide screens, a tab bar at the bottom on a phone
 * (the same links, restyled by CSS, so each destination has exactly one link).
 */
export function Nav() {
  const [location] = useLocation();
  const { state, signOut } = useSession();
  const email = state.status === 'signed-in' ? state.me.email : '';
  const isCurrent = (href: string) => (href === '/' ? location === '/' : location === href || location.startsWith(`${href}/`));

  return (
    <nav className="nav" aria-label="Library">
      <div className="nav-brand">
        <img src="/icon.svg" alt="" width={28} height={28} />
        <span>Skyroll</span>
      </div>
      <ul className="nav-links">
        {ENTRIES.map(({ href, label, icon: Icon, wideOnly }) => (
          <li key={href} className={wideOnly ? 'wide-only' : undefined}>
            <Link href={href} className="nav-link" aria-current={isCurrent(href) ? 'page' : undefined}>
              <Icon className="nav-icon" />
              <span className="nav-label">{label}</span>
            </Link>
          </li>
        ))}
      </ul>
      <div className="nav-account">
        <span className="nav-email" title={email}>
          {email}
        </span>
        <button type="button" className="icon-button nav-sign-out" data-testid="sign-out" aria-label="Sign out" title="Sign out" onClick={() => void signOut()}>
          <SignOutIcon />
        </button>
      </div>
    </nav>
  );
}
