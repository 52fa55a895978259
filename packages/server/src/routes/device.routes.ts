import { DeviceHealthReport, DeviceIdParams, DeviceSettings, DeviceSettingsPatch, DevicesResponse, ROUTES } from '@skyroll/protocol';
import { z } from 'zod';
import { auth } from '../http/hooks.js';
import type { DeviceService } from '../services/device.service.js';
import type { Api } from './route-types.js';

export function deviceRoutes(app: Api, devices: DeviceService): void {
  const tags = ['devices'];
  app.get(ROUTES.devices, { schema: { tags, response: { 200: DevicesResponse } } }, async (req) => devices.list(auth(req)));
  app.get(ROUTES.mySettings, { schema: { tags, response: { 200: DeviceSettings } } }, async (req) =>
    devices.settings(auth(req), auth(req).deviceId),
  );
  app.patch(ROUTES.mySettings, { schema: { tags, body: DeviceSettingsPatch, response: { 200: DeviceSettings } } }, async (req) =>
    devices.updateSettings(auth(req), auth(req).deviceId, req.body),
  );
  app.get('/api/devices/:id/settings', { schema: { tags, params: DeviceIdParams, response: { 200: DeviceSettings } } }, async (req) =>
    devices.settings(auth(req), req.params.id),
  );
  app.patch(
    '/api/devices/:id/settings',
    { schema: { tags, params: DeviceIdParams, body: DeviceSettingsPatch, response: { 200: DeviceSettings } } },
    async (req) => devices.updateSettings(auth(req), req.params.id, req.body),
  );
  app.put(ROUTES.myHealth, { schema: { tags, body: DeviceHealthReport, response: { 204: z.null().describe('Recorded') } } }, async (req, reply) => {
    await devices.reportHealth(auth(req), req.body);
    return reply.status(204).send(null);
  });
  app.delete('/api/devices/:id', { schema: { tags, params: DeviceIdParams, response: { 204: z.null().describe('Signed out') } } }, async (req, reply) => {
    await devices.revoke(auth(req), req.params.id);
    return reply.status(204).send(null);
  });
}
