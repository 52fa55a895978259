export * from './version.js';
export * from './errors.js';
export * from './path.js';
export * from './api.js';
export * from './hlc.js';
