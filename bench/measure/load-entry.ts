// Run in a fresh process: loads the app entry the way local/functions-host does (its core-module intercept
// in place, then require) and prints {"load_ms": ..., "rss_bytes": ...}: the time the require took and the
// process's resident memory once the entry is loaded (tsx included, as in the local host).
import Module from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createCoreApi } from '../../local/functions-host/worker/core-api';
import { createHostLog } from '../../local/functions-host/logs';
import { provideCoreModule } from '../../local/functions-host/worker/module-intercept';
import { AppRegistry } from '../../local/functions-host/worker/registry';

const appPath = path.resolve(process.argv[2] ?? 'dist/main.js');
const registry = new AppRegistry(createHostLog({ write: () => undefined }));
provideCoreModule(createCoreApi(registry));
registry.currentEntryPoint = appPath;
const started = performance.now();
Module.createRequire(appPath)(appPath);
const loadMs = performance.now() - started;
console.log(JSON.stringify({ load_ms: loadMs, rss_bytes: process.memoryUsage().rss }));
// The app may hold handles (clients, timers) once loaded; the measurement is done.
process.exit(0);
