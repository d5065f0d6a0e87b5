// Every HTTP route of the API, registered from the one route list that also generates the OpenAPI document.
import { app } from '@azure/functions';
import { registerRoutes } from '../api/register';
import { allRoutes } from '../api/routes';
import { getConfig, getRuntime } from '../runtime';

registerRoutes(app, allRoutes, { getConfig, getRuntime });
