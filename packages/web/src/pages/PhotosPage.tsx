import { Page } from '../layout/Page';
import { Timeline } from '../timeline/Timeline';
import { UploadIcon } from '../ui/icons';
import { useUploads } from '../upload/UploadProvider';

export function PhotosPage() {
  const uploads = useUploads();
  return (
    <Page
      title="Photos"
      fill
      actions={
        <button type="button" className="button primary" data-testid="upload-button" onClick={uploads.pick}>
          <UploadIcon /> <span className="label">Upload</span>
        </button>
      }
    >
      <Timeline
        filter={{}}
        emptyText={
          <>
            <strong>No photos or videos yet</strong>
            <span>Drop them anywhere on this page, use Upload, or run <code>skyroll sync</code> on a device.</span>
          </>
        }
      />
    </Page>
  );
}
