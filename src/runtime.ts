// Process-wide singletons for the function adapters: built once, lazily, from the typed config.
import { loadConfig, type Config } from './config';

let config: Config | undefined;

export function getConfig(): Config {
  config ??= loadConfig();
  return config;
}
