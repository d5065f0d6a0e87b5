// The startup line about authentication (see describeAuth).
import type { Config } from '../../config';
import { createLogger } from '../../logging';
import { describeAuth } from './platform';

export function logAuthPosture(config: Config): void {
  const { level, message, fields } = describeAuth(config);
  createLogger({ level: config.LOG_LEVEL, fields: { deploymentId: config.DEPLOYMENT_ID } })[level](message, fields);
}
