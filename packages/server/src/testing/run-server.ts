// Runs a server in its own process, for tests that kill it (kill -9) mid-upload.
// Usage: node --import tsx run-server.ts DATA_DIR [PORT]
import { closeOnSignals, startServer } from '../index.js';

const [dataDir, port = '0'] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: run-server.ts DATA_DIR [PORT]');
closeOnSignals(
  await startServer({ dataDir, host: '127.0.0.1', port: Number(port), logLevel: process.env.SKYROLL_LOG_LEVEL ?? 'warn' }),
);
