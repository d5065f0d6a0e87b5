// How azd connects to the templates: azure.yaml, infra/main.parameters.json (${VAR=default} substitution)
// and main.bicep's outputs, which azd writes to the environment and hands to hooks.
import { declarations, literalValue, stringLiteral } from './bicep-text';

/** The scalar at a key path of a simple block-style YAML mapping (what azure.yaml uses), or undefined. */
export function yamlScalar(text: string, keys: string[]): string | undefined {
  const path: { indent: number; key: string }[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\s*)([\w.-]+):\s*(.*?)\s*$/.exec(line);
    if (!m || /^\s*#/.test(line)) continue;
    const indent = (m[1] as string).length;
    while (path.length && (path[path.length - 1] as { indent: number }).indent >= indent) path.pop();
    path.push({ indent, key: m[2] as string });
    if (path.length === keys.length && path.every((p, i) => p.key === keys[i])) return (m[3] as string).replace(/^(['"])(.*)\1$/, '$2');
  }
  return undefined;
}

interface ParameterValue {
  variable?: string;
  fallback?: string;
}

/** `${NAME}` or `${NAME=default}` in a parameters file value. */
function parseSubstitution(value: unknown): ParameterValue {
  if (typeof value !== 'string') return {};
  const m = /^\$\{(\w+)(?:=([^}]*))?\}$/.exec(value);
  return m ? { variable: m[1] as string, ...(m[2] !== undefined ? { fallback: m[2] } : {}) } : {};
}

/** main.parameters.json and main.bicep agree: same names, required ones supplied, the same defaults. */
export function parameterFileProblems(mainBicep: string, parametersJson: string): string[] {
  const bicepParams = declarations(mainBicep).filter((d) => d.kind === 'param');
  const fileParams = (JSON.parse(parametersJson) as { parameters: Record<string, { value?: unknown }> }).parameters;
  const problems: string[] = [];
  for (const [name, entry] of Object.entries(fileParams)) {
    const param = bicepParams.find((p) => p.name === name);
    if (!param) {
      problems.push(`main.parameters.json sets ${name}, which main.bicep does not declare`);
      continue;
    }
    const { variable, fallback } = parseSubstitution(entry.value);
    if (!variable) problems.push(`main.parameters.json: ${name} is not taken from the azd environment (\${VAR})`);
    const bicepDefault = literalValue(param.value);
    if (fallback !== undefined && bicepDefault !== undefined && fallback !== bicepDefault) {
      problems.push(`${name}: default ${fallback} in main.parameters.json differs from ${bicepDefault} in main.bicep`);
    }
  }
  for (const param of bicepParams) {
    if (param.value === undefined && !(param.name in fileParams)) problems.push(`main.bicep requires ${param.name}, which main.parameters.json does not supply`);
  }
  return problems;
}

/** The azd variable a parameter reads, e.g. environmentName -> AZURE_ENV_NAME. */
export function azdVariableOf(parametersJson: string, name: string): string | undefined {
  const fileParams = (JSON.parse(parametersJson) as { parameters: Record<string, { value?: unknown }> }).parameters;
  return parseSubstitution(fileParams[name]?.value).variable;
}

/**
 * The environment main.bicep's outputs give azd hooks (postdeploy runs `npm run assistants:sync`):
 * literal outputs and parameter defaults as written, `placeholder(name)` for deployment-time values.
 */
export function outputsEnv(mainBicep: string, placeholder: (name: string) => string): Record<string, string> {
  const decls = declarations(mainBicep);
  const env: Record<string, string> = {};
  for (const out of decls.filter((d) => d.kind === 'output')) {
    const expression = out.value ?? '';
    const param = decls.find((d) => d.kind === 'param' && d.name === expression);
    env[out.name] = stringLiteral(expression) ?? literalValue(param?.value) ?? placeholder(out.name);
  }
  return env;
}
