// ASP.NET Core inline route constraints (`{id:int}`, `{name:minlength(3)}`, ...) as the Functions host applies them.
// Unknown constraint names fail at startup rather than silently matching everything.

export type RouteConstraint = (value: string) => boolean;

const INT32 = { min: -2_147_483_648, max: 2_147_483_647 };
const isInteger = (value: string) => /^[+-]?\d+$/.test(value);
const isNumber = (value: string) => value.trim() !== '' && Number.isFinite(Number(value));
const num = (arg: string | undefined, name: string): number => {
  const value = Number(arg);
  if (arg === undefined || !Number.isFinite(value)) throw new Error(`route constraint ${name} needs a numeric argument`);
  return value;
};

/** `name` and the raw text between its parentheses, e.g. ('length', '2,5'). */
export function createConstraint(name: string, argumentText?: string): RouteConstraint {
  const args = argumentText === undefined ? [] : argumentText.split(',').map((a) => a.trim());
  switch (name.toLowerCase()) {
    case 'int':
      return (v) => isInteger(v) && Number(v) >= INT32.min && Number(v) <= INT32.max;
    case 'long':
      return (v) => isInteger(v) && BigInt(v) >= -(2n ** 63n) && BigInt(v) < 2n ** 63n;
    case 'bool':
      return (v) => /^(true|false)$/i.test(v);
    case 'guid':
      return (v) => /^(\{[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}\}|[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}|[0-9a-f]{32})$/i.test(v);
    case 'alpha':
      return (v) => /^[a-z]+$/i.test(v);
    case 'double':
    case 'float':
    case 'decimal':
      return isNumber;
    case 'datetime':
      return (v) => !Number.isNaN(Date.parse(v));
    case 'required':
      return (v) => v !== '';
    case 'minlength': {
      const min = num(args[0], name);
      return (v) => v.length >= min;
    }
    case 'maxlength': {
      const max = num(args[0], name);
      return (v) => v.length <= max;
    }
    case 'length': {
      const [min, max] = args.length > 1 ? [num(args[0], name), num(args[1], name)] : [num(args[0], name), num(args[0], name)];
      return (v) => v.length >= min && v.length <= max;
    }
    case 'min': {
      const min = num(args[0], name);
      return (v) => isInteger(v) && Number(v) >= min;
    }
    case 'max': {
      const max = num(args[0], name);
      return (v) => isInteger(v) && Number(v) <= max;
    }
    case 'range': {
      const [min, max] = [num(args[0], name), num(args[1], name)];
      return (v) => isInteger(v) && Number(v) >= min && Number(v) <= max;
    }
    case 'regex': {
      // ASP.NET matches inline regexes case-insensitively; braces inside a template are doubled.
      const pattern = new RegExp((argumentText ?? '').replace(/\{\{/g, '{').replace(/\}\}/g, '}'), 'i');
      return (v) => pattern.test(v);
    }
    default:
      throw new Error(`unsupported route constraint "${name}"`);
  }
}
