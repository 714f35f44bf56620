import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';

/**
 * A bad-input corpus for every mutation of a schema: for each argument list a plausible
 * value is built from the types, then spoiled one way at a time — missing, wrong type, too
 * long, wrong checksum, injection strings, huge lists. Generated from the schema, so new
 * mutations are covered without editing this file.
 */
export interface BadCase {
  mutation: string;
  kind: string;
  query: string;
  variables: Record<string, unknown>;
}

export const INJECTIONS = [
  `{"$gt": ""}`,
  `'; DROP TABLE complaints; --`,
  `<script>alert(1)</script>`,
  `{{7*7}} \${7*7} #{7*7}`,
  `../../../../etc/passwd`,
  `\u0000\u0001\u202e\ufeff`,
  `$where: function() { return true }`,
  `𝕊𝕙𝕒𝕘𝕪𝕞 🚨 ${'ё'.repeat(50)}`,
];

const SCALAR_SAMPLES: Record<string, unknown> = {
  String: 'пример',
  ID: 'org-psc-aktau',
  Int: 1,
  Float: 1.5,
  Boolean: true,
  Date: '2026-03-02',
  DateTime: '2026-03-02T10:00:00.000Z',
  IIN: '900101300017',
  BIN: '000740001307',
};

/** A plausible value for a type (all fields of input objects filled, to reach deep validation). */
function sample(type: GraphQLInputType, field: string, depth = 0): unknown {
  if (isNonNullType(type)) return sample(type.ofType, field, depth);
  if (isListType(type)) return [sample(type.ofType, field, depth + 1)];
  if (isEnumType(type)) return type.getValues()[0]?.name;
  if (isInputObjectType(type)) {
    if (depth > 5) return {};
    const fields = Object.values(type.getFields());
    // @oneOf inputs take exactly one field.
    const oneOf = (type as { isOneOf?: boolean }).isOneOf;
    const chosen = oneOf ? fields.slice(0, 1) : fields;
    return Object.fromEntries(chosen.map((f) => [f.name, sample(f.type, f.name, depth + 1)]));
  }
  if (isScalarType(type)) {
    if (/iin/i.test(field)) return '900101300017';
    if (/bin/i.test(field)) return '000740001307';
    if (/email/i.test(field)) return 'a@example.kz';
    if (/year/i.test(field) && type.name === 'Int') return 2026;
    return SCALAR_SAMPLES[type.name] ?? 'пример';
  }
  return null;
}

/** Rewrites every leaf of a value: strings, or lists, as `spoil` says (other leaves kept). */
function mapLeaves(value: unknown, type: GraphQLInputType, field: string, spoil: (v: unknown, t: GraphQLInputType, field: string) => unknown): unknown {
  const inner = isNonNullType(type) ? type.ofType : type;
  const spoiled = spoil(value, inner, field);
  if (spoiled !== value) return spoiled;
  if (isListType(inner) && Array.isArray(value)) return value.map((v) => mapLeaves(v, inner.ofType, field, spoil));
  if (isInputObjectType(inner) && value && typeof value === 'object') {
    const fields = inner.getFields();
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fields[k] ? mapLeaves(v, fields[k].type, k, spoil) : v]));
  }
  return value;
}

const isStringish = (t: GraphQLInputType) => isScalarType(t) && !['Int', 'Float', 'Boolean'].includes(t.name);

/** Same-length digits with the checksum broken (ИИН/БИН, R3). */
function badChecksum(v: string): string {
  const last = Number(v.at(-1));
  return `${v.slice(0, -1)}${(last + 1) % 10}`;
}

export function corpus(schema: GraphQLSchema): BadCase[] {
  const mutation = schema.getMutationType();
  if (!mutation) return [];
  const cases: BadCase[] = [];
  for (const field of Object.values(mutation.getFields())) {
    const args: readonly GraphQLArgument[] = field.args;
    const ret = getNamedType(field.type);
    const selection = isScalarType(ret) || isEnumType(ret) ? '' : ' { __typename }';
    const decl = args.length ? `(${args.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ')})` : '';
    const call = args.length ? `(${args.map((a) => `${a.name}: $${a.name}`).join(', ')})` : '';
    const query = `mutation${decl} { ${field.name}${call}${selection} }`;
    const base = Object.fromEntries(args.map((a) => [a.name, sample(a.type, a.name)]));
    const spoilAll = (kind: string, spoil: (v: unknown, t: GraphQLInputType, f: string) => unknown) => {
      const variables = Object.fromEntries(args.map((a) => [a.name, mapLeaves(base[a.name], a.type, a.name, spoil)]));
      cases.push({ mutation: field.name, kind, query, variables });
    };
    cases.push({ mutation: field.name, kind: 'plausible', query, variables: base });
    if (args.length) {
      cases.push({ mutation: field.name, kind: 'missing arguments', query: `mutation { ${field.name}${selection} }`, variables: {} });
      cases.push({ mutation: field.name, kind: 'missing variables', query, variables: {} });
      cases.push({ mutation: field.name, kind: 'nulls', query, variables: Object.fromEntries(args.map((a) => [a.name, null])) });
      // Required input fields left out, one object at a time (the first argument's).
      spoilAll('empty objects', (v, t) => (isInputObjectType(t) ? {} : v));
    }
    spoilAll('wrong types', (v, t) => (isScalarType(t) ? (typeof v === 'string' ? 12345 : 'not-a-number') : isEnumType(t) ? 'NO_SUCH_VALUE' : v));
    spoilAll('too long', (v, t) => (isStringish(t) && typeof v === 'string' ? 'я'.repeat(20_000) : v));
    spoilAll('blank strings', (v, t) => (isStringish(t) && typeof v === 'string' ? '   ' : v));
    spoilAll('wrong checksum', (v, _t, f) => (typeof v === 'string' && /^(iin|bin)$/i.test(f) ? badChecksum(v) : typeof v === 'string' && /iin|bin/i.test(f) ? badChecksum(v) : v));
    INJECTIONS.forEach((s, i) => spoilAll(`injection ${i + 1}`, (v, t) => (isStringish(t) && typeof v === 'string' ? s : v)));
    spoilAll('huge lists', (v, t) => (isListType(t) && Array.isArray(v) ? Array.from({ length: 5_000 }, () => v[0]) : v));
    spoilAll('negative and huge numbers', (v, t) => (isScalarType(t) && t.name === 'Int' ? -2_147_483_648 : isScalarType(t) && t.name === 'Float' ? 1e308 : v));
  }
  return cases;
}
