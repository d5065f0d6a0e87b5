// Every HTTP route of the API, registered from the one route list that also generates the OpenAPI document.
import { app } from '@azure/functions';
import { platformRoutes, registerRoutes } from '../api';
import { fileRoutes } from '../api/handlers/files';
import { messageRoutes } from '../api/handlers/messages';
import { runRoutes } from '../api/handlers/runs';
import { systemRoutes } from '../api/handlers/system';
import { threadRoutes } from '../api/handlers/threads';
import { getConfig, getRuntime } from '../runtime';

registerRoutes(
  app,
  [...platformRoutes, ...systemRoutes(getRuntime), ...threadRoutes(getRuntime), ...messageRoutes(getRuntime), ...runRoutes(getRuntime), ...fileRoutes(getRuntime)],
  { getConfig },
);
