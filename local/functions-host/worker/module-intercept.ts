// Makes `require('@azure/functions-core')` return the host's core API, the way the Node.js worker does
// (it is a built-in of the worker, not an npm package). Returns a function that removes the interception.
import Module from 'node:module';

export const CORE_MODULE_ID = '@azure/functions-core';

export function provideCoreModule(coreApi: object): () => void {
  const original = Module.prototype.require;
  Module.prototype.require = new Proxy(original, {
    apply(target, thisArg, args: [string]) {
      return args[0] === CORE_MODULE_ID ? coreApi : Reflect.apply(target, thisArg, args);
    },
  });
  return () => {
    Module.prototype.require = original;
  };
}
