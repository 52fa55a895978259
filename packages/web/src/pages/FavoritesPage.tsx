import { Page } from '../layout/Page';
import { Timeline } from '../timeline/Timeline';

export function FavoritesPage() {
  return (
    <Page title="Favorites" fill>
      <Timeline
        filter={{ favorite: true }}
        emptyText={
          <>
            <strong>No favorites yet</strong>
            <span>Tap the heart on a photo or video to find it here.</span>
          </>
        }
      />
    </Page>
  );
}
