#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx), so `npm ci` leaves no build step to the user.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
