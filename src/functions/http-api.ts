// Every HTTP route of the API, registered from the one route list that also generates the OpenAPI document.
import { app } from '@azure/functions';
import { allRouteSpecs, platformRoutes, registerRoutes } from '../api';
import { fileRoutes } from '../api/handlers/files';
import { maintenanceRoutes } from '../api/handlers/maintenance';
import { messageRoutes } from '../api/handlers/messages';
import { runRoutes } from '../api/handlers/runs';
import { systemRoutes } from '../api/handlers/system';
import { threadRoutes } from '../api/handlers/threads';
import { getConfig, getRuntime } from '../runtime';

const routes = [
  ...platformRoutes,
  ...systemRoutes(getRuntime),
  ...threadRoutes(getRuntime),
  ...messageRoutes(getRuntime),
  ...runRoutes(getRuntime),
  ...fileRoutes(getRuntime),
  ...maintenanceRoutes(getRuntime),
];

// The OpenAPI document lists every spec: a spec without a handler would be documented but not served.
const unbound = allRouteSpecs.filter((spec) => !routes.some((route) => route.spec === spec)).map((spec) => spec.name);
if (unbound.length) throw new Error(`Route specs without a handler: ${unbound.join(', ')}`);

registerRoutes(app, routes, { getConfig });
