/** Which assets a timeline shows; the same filters as the timeline API. */
export interface TimelineFilter {
  favorite?: boolean;
  hidden?: boolean;
  albumId?: string;
  type?: 'photo' | 'video';
}

/** The filter as the timeline API's query string (without the leading `?`). */
export function filterQuery(filter: TimelineFilter): string {
  const query = new URLSearchParams();
  if (filter.favorite !== undefined) query.set('favorite', String(filter.favorite));
  if (filter.hidden !== undefined) query.set('hidden', String(filter.hidden));
  if (filter.albumId !== undefined) query.set('albumId', filter.albumId);
  if (filter.type !== undefined) query.set('type', filter.type);
  return query.toString();
}

/** The month bucket (UTC, as the server buckets) of a sort time. */
export function bucketOf(sortAt: number): string {
  return new Date(sortAt).toISOString().slice(0, 7);
}
