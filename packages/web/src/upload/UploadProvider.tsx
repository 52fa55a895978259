import { createContext, useCallback, useContext, useEffect, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { UploadIcon } from '../ui/icons';
import { UploadPanel } from './UploadPanel';
import { UploadQueue } from './upload-queue';
import './upload.css';

interface Uploads {
  /** Opens the file picker (the Upload buttons). */
  pick(): void;
  add(files: Iterable<File>): void;
}

const UploadContext = createContext<Uploads>({ pick: () => {}, add: () => {} });

const ACCEPT = 'image/*,video/*,.heic,.heif,.dng,.cr2,.cr3,.nef,.arw,.raf,.orf,.rw2';

/**
 * Uploads for the whole signed-in app: one queue (uploads go on while the person browses), one
 * hidden file input, and drag-and-drop of files anywhere on the page.
 */
export function UploadProvider({ children }: { children: ReactNode }) {
  const [queue] = useState(() => new UploadQueue());
  const snapshot = useSyncExternalStore(queue.subscribe, queue.getSnapshot);
  const input = useRef<HTMLInputElement>(null);
  const dragging = useFileDrag((files) => queue.add(files));

  const pick = useCallback(() => input.current?.click(), []);
  const add = useCallback((files: Iterable<File>) => queue.add(files), [queue]);
  const value = useRef<Uploads>({ pick, add }).current;

  return (
    <UploadContext.Provider value={value}>
      {children}
      <input
        ref={input}
        type="file"
        multiple
        accept={ACCEPT}
        data-testid="upload-input"
        className="visually-hidden"
        tabIndex={-1}
        aria-hidden="true"
        onChange={(e) => {
          if (e.target.files) queue.add(Array.from(e.target.files));
          e.target.value = '';
        }}
      />
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          <UploadIcon />
          <span>Drop photos and videos to upload</span>
        </div>
      )}
      {snapshot.items.length > 0 && <UploadPanel snapshot={snapshot} onClose={() => queue.clearFinished()} onRetry={() => queue.retryFailed()} />}
    </UploadContext.Provider>
  );
}

export function useUploads(): Uploads {
  return useContext(UploadContext);
}

/** Whether files are being dragged over the window; `onDrop` gets them when let go. */
function useFileDrag(onDrop: (files: File[]) => void): boolean {
  const [dragging, setDragging] = useState(false);
  const latest = useRef(onDrop);
  useEffect(() => {
    latest.current = onDrop;
  });
  useEffect(() => {
    // dragenter / dragleave fire for every child crossed: count them.
    let depth = 0;
    const hasFiles = (e: DragEvent) => e.dataTransfer?.types.includes('Files') ?? false;
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth++;
      setDragging(true);
    };
    const over = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setDragging(false);
      const files = Array.from(e.dataTransfer?.files ?? []);
      if (files.length > 0) latest.current(files);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, []);
  return dragging;
}
