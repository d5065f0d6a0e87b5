// Checks over every Bicep file: no secret reaches an output, everything carries the azd tags, and module
// references resolve (local files exist and get the params they declare, registry modules are pinned).
import { declarations, find, objectProperties, property, type Declaration } from './bicep-text';
import { resolveFrom, type InfraSources } from './infra-files';

/** Outputs land in deployment history and the azd .env: no list*() results, @secure params, keys or connection strings. */
export function secretOutputProblems(file: string, source: string): string[] {
  const decls = declarations(source);
  const secureParams = decls.filter((d) => d.kind === 'param' && d.decorators.some((x) => x.startsWith('@secure'))).map((d) => d.name);
  return decls
    .filter((d) => d.kind === 'output')
    .flatMap((out) => {
      const expression = out.value ?? '';
      const reasons: string[] = [];
      if (/\blist\w*\(/.test(expression)) reasons.push('calls a list*() function');
      if (/connectionString|password|accountKey/i.test(`${out.name} ${expression}`)) reasons.push('names a connection string, password or key');
      for (const p of secureParams) if (new RegExp(`\\b${p}\\b`).test(expression)) reasons.push(`uses @secure param ${p}`);
      return reasons.map((reason) => `${file}: output ${out.name} ${reason}`);
    });
}

/** listCallbackUrl() (the signed Logic App URL) may only feed a Key Vault secret's value. */
export function callbackUrlProblems(file: string, source: string): string[] {
  return declarations(source)
    .filter((d) => /listCallbackUrl\(/.test(d.value ?? ''))
    .filter((d) => !(d.kind === 'resource' && d.type === 'Microsoft.KeyVault/vaults/secrets'))
    .map((d) => `${file}: ${d.kind} ${d.name} uses listCallbackUrl() outside a Key Vault secret`);
}

/** Resource types without tags (RBAC objects, the model deployment). */
const UNTAGGED_TYPES = new Set([
  'Microsoft.Authorization/roleAssignments',
  'Microsoft.Authorization/roleDefinitions',
  'Microsoft.CognitiveServices/accounts/deployments',
  // Entra ID objects (Microsoft Graph extension) are not ARM resources and take no ARM tags.
  'Microsoft.Graph/applications',
  'Microsoft.Graph/servicePrincipals',
]);

/** A `tags:` value that carries the environment tags: `tags` or union(tags, {...}). */
const CARRIES_TAGS = /^(tags|union\(tags,[\s\S]*\))$/;

/** Every created resource and every module that takes tags is given the azd environment's tags. */
export function tagProblems(file: string, sources: InfraSources): string[] {
  const decls = declarations(sources.text(file));
  const problems: string[] = [];
  for (const d of decls) {
    if (d.kind === 'resource' && !d.existing && !UNTAGGED_TYPES.has(d.type ?? '')) {
      const tags = property(d.value ?? '{}', 'tags');
      if (!tags || !CARRIES_TAGS.test(tags)) problems.push(`${file}: resource ${d.name} (${d.type}) is not given the environment tags`);
    }
    if (d.kind === 'module' && moduleTakesTags(file, d, sources)) {
      const tags = property(property(d.value ?? '{}', 'params') ?? '{}', 'tags');
      if (!tags || !CARRIES_TAGS.test(tags)) problems.push(`${file}: module ${d.name} is not given the environment tags`);
    }
  }
  return problems;
}

function moduleTakesTags(file: string, module: Declaration, sources: InfraSources): boolean {
  if (module.path?.startsWith('br/')) return true; // every AVM resource module has a tags param
  const target = resolveFrom(file, module.path ?? '');
  return sources.has(target) && find(declarations(sources.text(target)), 'param', 'tags') !== undefined;
}

const PINNED_AVM = /^br\/public:avm\/(res|ptn)\/[\w/-]+:\d+\.\d+\.\d+$/;

/** Local module files exist and receive exactly the params they declare (required ones included); AVM refs are pinned. */
export function moduleReferenceProblems(file: string, sources: InfraSources): string[] {
  const source = sources.text(file);
  const problems: string[] = [];
  for (const json of source.matchAll(/loadJsonContent\('([^']+)'\)/g)) {
    if (!sources.has(resolveFrom(file, json[1] as string))) problems.push(`${file}: loadJsonContent('${json[1]}') names a missing file`);
  }
  for (const module of declarations(source).filter((d) => d.kind === 'module')) {
    const ref = module.path ?? '';
    if (ref.startsWith('br/')) {
      if (!PINNED_AVM.test(ref)) problems.push(`${file}: module ${module.name} uses an unpinned or non-AVM registry reference ${ref}`);
      continue;
    }
    const target = resolveFrom(file, ref);
    if (!sources.has(target)) {
      problems.push(`${file}: module ${module.name} points at missing ${target}`);
      continue;
    }
    problems.push(...paramProblems(file, module, target, sources.text(target)));
  }
  return problems;
}

function paramProblems(file: string, module: Declaration, target: string, targetSource: string): string[] {
  const declared = declarations(targetSource).filter((d) => d.kind === 'param');
  const given = objectProperties(property(module.value ?? '{}', 'params') ?? '{}').map((p) => p.key);
  const unknown = given.filter((name) => !declared.some((p) => p.name === name)).map((name) => `${file}: module ${module.name} passes ${name}, which ${target} does not declare`);
  const missing = declared
    .filter((p) => p.value === undefined && !p.type?.endsWith('?') && !given.includes(p.name))
    .map((p) => `${file}: module ${module.name} omits required param ${p.name} of ${target}`);
  return [...unknown, ...missing];
}
