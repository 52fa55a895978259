import { Page } from '../layout/Page';
import { Timeline } from '../timeline/Timeline';

export function HiddenPage() {
  return (
    <Page title="Hidden" fill>
      <Timeline
        filter={{ hidden: true }}
        emptyText={
          <>
            <strong>Nothing hidden</strong>
            <span>Hidden photos and videos stay out of Photos and show only here.</span>
          </>
        }
      />
    </Page>
  );
}
