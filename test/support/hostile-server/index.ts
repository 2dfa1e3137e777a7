export * from './hostile-server.js';
export * from './hostile-app.js';
