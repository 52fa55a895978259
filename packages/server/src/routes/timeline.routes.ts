import { ROUTES, TimelineBucketQuery, TimelineBucketResponse, TimelineBucketsQuery, TimelineBucketsResponse } from '@skyroll/protocol';
import { auth } from '../http/hooks.js';
import type { TimelineService } from '../services/timeline.service.js';
import type { Api } from './route-types.js';

export function timelineRoutes(app: Api, timeline: TimelineService): void {
  const tags = ['timeline'];
  app.get(ROUTES.timelineBuckets, { schema: { tags, querystring: TimelineBucketsQuery, response: { 200: TimelineBucketsResponse } } }, async (req) =>
    timeline.buckets(auth(req), req.query),
  );
  app.get(ROUTES.timelineBucket, { schema: { tags, querystring: TimelineBucketQuery, response: { 200: TimelineBucketResponse } } }, async (req) =>
    timeline.bucket(auth(req), req.query),
  );
}
