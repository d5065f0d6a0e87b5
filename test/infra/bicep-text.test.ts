// The text helpers the infra contract rests on, on small snippets with the shapes infra/ uses.
import { describe, expect, it } from 'vitest';
import { declarations, objectProperties, propertyPath, stringLiteral, stripComments, withoutDeclaration } from './support/bicep-text';

const SAMPLE = `// header comment
@description('Name // not a comment')
param name string = 'a//b'
param count int

var tags = { 'azd-env-name': name } /* inline */
var endpoint = empty(name)
  ? 'https://\${name}.example.com'
  : 'none'

resource account 'Microsoft.CognitiveServices/accounts@2025-06-01' = if (count == 1) {
  name: name
  tags: tags
  properties: {
    acls: count == 1
      ? { a: 1 }
      : { a: 2 }
    subDomain: '\${name}-\${take('x', 1)}'
  }
}

module zones 'br/public:avm/res/network/private-dns-zone:0.7.1' = [
  for zone in ['blob', 'queue']: {
    name: zone
    params: { name: zone, tags: tags }
  }
]

output uri string = 'https://\${account.name}'
`;

describe('bicep-text', () => {
  it('strips comments but keeps // inside strings', () => {
    const text = stripComments(SAMPLE);
    expect(text).not.toContain('header comment');
    expect(text).not.toContain('inline');
    expect(text).toContain("'Name // not a comment'");
    expect(text).toContain("'a//b'");
  });

  it('finds declarations with their decorators, defaults, conditions and bodies', () => {
    const decls = declarations(SAMPLE);
    expect(decls.map((d) => `${d.kind} ${d.name}`)).toEqual(['param name', 'param count', 'var tags', 'var endpoint', 'resource account', 'module zones', 'output uri']);
    const [name, count, , endpoint, account, zones] = decls;
    expect(name?.decorators).toEqual(["@description('Name // not a comment')"]);
    expect(name?.value).toBe("'a//b'");
    expect(count?.value).toBeUndefined();
    expect(endpoint?.value).toContain(": 'none'");
    expect(account?.type).toBe('Microsoft.CognitiveServices/accounts');
    expect(account?.condition).toBe('count == 1');
    expect(zones?.path).toBe('br/public:avm/res/network/private-dns-zone:0.7.1');
    expect(propertyPath(zones?.value ?? '', 'params', 'tags')).toBe('tags');
  });

  it('reads object properties, joining multi-line expressions', () => {
    const account = declarations(SAMPLE).find((d) => d.name === 'account');
    const properties = objectProperties(propertyPath(account?.value ?? '', 'properties') ?? '');
    expect(properties.map((p) => p.key)).toEqual(['acls', 'subDomain']);
    expect(properties[0]?.value).toMatch(/^count == 1\n\? \{ a: 1 \}\n: \{ a: 2 \}$/);
  });

  it('tells plain string literals from interpolations', () => {
    expect(stringLiteral("'cloud'")).toBe('cloud');
    expect(stringLiteral("'it\\'s'")).toBe("it's");
    expect(stringLiteral("'https://${name}'")).toBeUndefined();
    expect(stringLiteral('name')).toBeUndefined();
  });

  it('removes one declaration for mutation tests', () => {
    const without = withoutDeclaration(SAMPLE, 'account');
    expect(declarations(without).map((d) => d.name)).toEqual(['name', 'count', 'tags', 'endpoint', 'zones', 'uri']);
  });
});
