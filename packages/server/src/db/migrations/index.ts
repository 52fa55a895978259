import type { Migration } from 'kysely';
import * as initial from './0001-initial.js';
import * as devicesPlansJobs from './0002-devices-plans-jobs.js';
import * as deviceHealth from './0003-device-health.js';
import * as derivativeDetails from './0004-derivative-details.js';
import * as metadataAlbums from './0005-metadata-albums.js';
import * as mediaInfo from './0006-media-info.js';

/** Migrations as code, in order; names never change once released. */
export const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-devices-plans-jobs': devicesPlansJobs,
  '0003-device-health': deviceHealth,
  '0004-derivative-details': derivativeDetails,
  '0005-metadata-albums': metadataAlbums,
  '0006-media-info': mediaInfo,
};
