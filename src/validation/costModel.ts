/**
 * The static cost of an operation, computed before execution from the validated document and the coerced
 * variables: **estimatedNodes** (list items it can return: `first` per connection, multiplied down each path) and
 * **estimatedUpstreamCalls** (the Deadline calls its resolvers and loaders can make), both worst cases. What lists,
 * looks up or batches which entity comes from the registry (src/model/). The rules and their reasons:
 * docs/design/cost-model.md.
 */
import {
  type DocumentNode,
  type FieldNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  getNamedType,
  isCompositeType,
  isObjectType,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { DEFAULT_CHAIN_PAGE_SIZE } from '../config.js';
import { parseGlobalId } from '../ids/globalId.js';
import { ENTITY_TYPES, type EntityType, isEntityType, KEY_PARTS, keyAncestorsOf } from '../ids/keys.js';
import { ENTITIES } from '../model/entities.js';
import { FIELD_ROLES } from '../model/fieldRoles.js';
import { MUTATION_FIELDS, type MutationField } from '../mutations/mutationFields.js';
import { DEFAULT_FIRST, MAX_FIRST } from '../pagination/connection.js';
import { peekKeyed, peekPageSize } from '../pagination/cursor.js';
import { MAX_KEYSET_CALLS } from '../pagination/offsetConnection.js';
import { USAGE_MAX_CALLS, USAGE_MAX_RESULT_PAGES, USAGE_PAGE_SIZE } from '../usage/usageAggregations.js';
import { fieldSite, pathOf, type ResponseSite, ROOT_SITE } from './errorLocation.js';
import {
  argumentsOf,
  type CollectedField,
  collectFields,
  type OperationScope,
  operationScope,
  runtimeTypes,
  subSelections,
} from './operationWalker.js';

/** An operation's worst-case cost: list items and Deadline calls, and the path that costs most. */
export interface CostEstimate {
  estimatedNodes: number;
  estimatedUpstreamCalls: number;
  /**
   * The field path (Relay plumbing left out) that contributes most calls, with its share, for error messages; and
   * where that field is: its first node in the document, and its response path (errorLocation.ts).
   */
  costliestPath?: {
    path: string;
    upstreamCalls: number;
    nodes: number;
    field: FieldNode;
    responsePath: string[];
  };
}

export interface CostModelOptions {
  /** maxResults of the token chains the gateway starts (UPSTREAM_PAGE_SIZE, default 100). */
  chainPageSize?: number;
  /** Assumed upper bound on a farm's fleets, for `Session.fleet` (GetFleet has no batch API). Default 10. */
  maxFleetsPerFarm?: number;
  /** Field visits after which the walk stops and the operation counts as too large to estimate. Default 50,000. */
  maxFieldVisits?: number;
}

/** Thrown when an operation expands to more fields than the model is willing to walk. */
export class OperationTooLargeError extends Error {
  constructor(readonly fieldVisits: number) {
    super(`The operation expands to more than ${fieldVisits} fields.`);
  }
}

const BATCH_SIZE = 100;
const DEFAULT_MAX_FLEETS_PER_FARM = 10;
const DEFAULT_MAX_FIELD_VISITS = 50_000;

/** Whether lookups of `type` go through a BatchGet (100 keys a call) rather than one Get per key. */
const isBatched = (type: EntityType): boolean => ENTITIES[type].batchGet !== null;
const DETAIL_FIELDS = Object.fromEntries(
  ENTITY_TYPES.map((type) => [type, new Set<string>(ENTITIES[type].detailFields)]),
) as unknown as Readonly<Record<EntityType, ReadonlySet<string>>>;
/** Whether a list's items are details (ListWorkers items carry every member GetWorker has). */
const listItemsAreDetails = (type: EntityType): boolean => ENTITIES[type].members.summary === null;

/** What the walk knows about a key ancestor of a set of objects. */
interface Ancestor {
  /** Upper bound on distinct ancestors. */
  distinct: number;
  /** Resolved on the path: the request's loaders hold it. */
  known: boolean;
  /** Held as a detail record (detail fields free). */
  detail: boolean;
}

/** The objects a selection set runs on. */
interface Instances {
  /** Objects in the response (multiplies nodes). */
  count: number;
  /** Upper bound on distinct Deadline objects among them (multiplies calls). */
  distinct: number;
  /** Detail records (detail-only fields free). */
  detail: boolean;
  ancestors: Partial<Record<EntityType, Ancestor>>;
  /** For a connection or an edge: the items it carries. */
  items?: Instances;
  /** Members the objects' list lacks (`alsoListed[].lacks`): their fields load the detail, like detail fields. */
  lacks?: ReadonlySet<string>;
}

/** Entity lookups of a plain list or a root lookup, per type: how many results, how many distinct keys. */
type TypedCounts = Map<EntityType, { count: number; distinct: number }>;

export function estimateCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  rawVariables: Record<string, unknown> | undefined,
  options: CostModelOptions = {},
): CostEstimate {
  const scope = operationScope(schema, document, operation, rawVariables);
  // Variables that do not coerce: execution rejects the operation without running anything.
  if (!scope) return { estimatedNodes: 0, estimatedUpstreamCalls: 0 };
  return walkCost(scope, operation, options);
}

/**
 * `estimateCost` remembered per parsed operation (Apollo reuses the parsed document of a query text it has seen):
 * the estimate is a pure function of the operation and of the coerced variable values its walk reads, so each entry
 * keeps those reads (which variables, present or not, and their values) and serves any later request whose
 * variables agree on them. A walk reads a variable only where the operation uses it (an argument, @skip/@include),
 * in an order decided by the values read before, so equal reads mean an equal walk. Up to `MAX_ESTIMATES_PER_OPERATION`
 * entries per operation (oldest dropped); variables that do not coerce are not cached (the estimate is then 0/0).
 */
export class CostEstimateCache {
  private readonly byOperation = new WeakMap<OperationDefinitionNode, CachedEstimate[]>();

  constructor(private readonly options: CostModelOptions = {}) {}

  estimate(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    rawVariables: Record<string, unknown> | undefined,
  ): CostEstimate {
    const scope = operationScope(schema, document, operation, rawVariables);
    if (!scope) return { estimatedNodes: 0, estimatedUpstreamCalls: 0 };
    const entries = this.byOperation.get(operation) ?? [];
    const hit = entries.find((entry) => entry.schema === schema && sameReads(entry.reads, scope.variables));
    if (hit) return hit.estimate;
    const reads = new Map<string, VariableRead>();
    const estimate = walkCost(
      { ...scope, variables: recordingReads(scope.variables, reads) },
      operation,
      this.options,
    );
    entries.push({ schema, reads, estimate });
    if (entries.length > MAX_ESTIMATES_PER_OPERATION) entries.shift();
    this.byOperation.set(operation, entries);
    return estimate;
  }
}

export const MAX_ESTIMATES_PER_OPERATION = 16;

interface VariableRead {
  present: boolean;
  /** JSON of the value (coerced variables are JSON values: scalars, lists, input objects). */
  json: string | undefined;
}

interface CachedEstimate {
  schema: GraphQLSchema;
  reads: ReadonlyMap<string, VariableRead>;
  estimate: CostEstimate;
}

function readOf(variables: Record<string, unknown>, name: string): VariableRead {
  const present = Object.hasOwn(variables, name);
  return { present, json: present ? JSON.stringify(variables[name]) : undefined };
}

function sameReads(reads: ReadonlyMap<string, VariableRead>, variables: Record<string, unknown>): boolean {
  for (const [name, read] of reads) {
    const now = readOf(variables, name);
    if (now.present !== read.present || now.json !== read.json) return false;
  }
  return true;
}

/** The coerced variables, noting every one looked at (by `in`, own-property checks or reads). */
function recordingReads(
  variables: Record<string, unknown>,
  reads: Map<string, VariableRead>,
): Record<string, unknown> {
  const note = (name: string | symbol) => {
    if (typeof name === 'string' && !reads.has(name)) reads.set(name, readOf(variables, name));
  };
  return new Proxy(variables, {
    get(target, name, receiver) {
      note(name);
      return Reflect.get(target, name, receiver);
    },
    has(target, name) {
      note(name);
      return Reflect.has(target, name);
    },
    getOwnPropertyDescriptor(target, name) {
      note(name);
      return Reflect.getOwnPropertyDescriptor(target, name);
    },
    ownKeys(target) {
      // Listing the variables reads them all.
      for (const name of Reflect.ownKeys(target)) note(name);
      return Reflect.ownKeys(target);
    },
  });
}

function walkCost(
  scope: OperationScope,
  operation: OperationDefinitionNode,
  options: CostModelOptions,
): CostEstimate {
  const walk = new CostWalk(scope, options);
  walk.visit(scope.rootType, [operation.selectionSet], root(), ROOT_PLACE);
  return walk.result();
}

const root = (): Instances => ({ count: 1, distinct: 1, detail: true, ancestors: {} });

/**
 * Where the walk is. Costs add up per `path`, the field path with Relay plumbing left out (`farms.queues`), and
 * are told against `field`, the (first) field that path names, at `fieldSite`; `site` is where the current
 * selection is, plumbing included, for the response paths below it.
 */
interface Place {
  path: string;
  field: FieldNode | undefined;
  fieldSite: ResponseSite;
  site: ResponseSite;
}

const ROOT_PLACE: Place = { path: '', field: undefined, fieldSite: ROOT_SITE, site: ROOT_SITE };

interface PathCost {
  upstreamCalls: number;
  nodes: number;
  field: FieldNode | undefined;
  site: ResponseSite;
}

class CostWalk {
  private nodes = 0;
  private calls = 0;
  private visits = 0;
  private readonly byPath = new Map<string, PathCost>();
  private readonly chainPageSize: number;
  private readonly maxFleetsPerFarm: number;
  private readonly maxFieldVisits: number;

  constructor(
    private readonly scope: OperationScope,
    options: CostModelOptions,
  ) {
    this.chainPageSize = options.chainPageSize ?? DEFAULT_CHAIN_PAGE_SIZE;
    this.maxFleetsPerFarm = options.maxFleetsPerFarm ?? DEFAULT_MAX_FLEETS_PER_FARM;
    this.maxFieldVisits = options.maxFieldVisits ?? DEFAULT_MAX_FIELD_VISITS;
  }

  result(): CostEstimate {
    let costliest: [string, PathCost] | undefined;
    for (const [path, cost] of this.byPath) {
      if (!costliest || cost.upstreamCalls > costliest[1].upstreamCalls) costliest = [path, cost];
    }
    const estimate = { estimatedNodes: this.nodes, estimatedUpstreamCalls: this.calls };
    if (!costliest?.[1].field) return estimate;
    const [path, { upstreamCalls, nodes, field, site }] = costliest;
    return { ...estimate, costliestPath: { path, upstreamCalls, nodes, field, responsePath: pathOf(site) } };
  }

  private add(place: Place, calls: number, nodes: number): void {
    if (calls === 0 && nodes === 0) return;
    this.calls += calls;
    this.nodes += nodes;
    const entry = this.byPath.get(place.path) ?? {
      upstreamCalls: 0,
      nodes: 0,
      field: place.field,
      site: place.fieldSite,
    };
    entry.upstreamCalls += calls;
    entry.nodes += nodes;
    this.byPath.set(place.path, entry);
  }

  visit(
    objectType: GraphQLObjectType,
    selectionSets: readonly SelectionSetNode[],
    at: Instances,
    place: Place,
  ): void {
    const fields = collectFields(this.scope, objectType, selectionSets);
    this.visits += fields.length;
    if (this.visits > this.maxFieldVisits) throw new OperationTooLargeError(this.maxFieldVisits);
    const type = objectType.name;
    const detailFields = isEntityType(type) ? DETAIL_FIELDS[type] : undefined;
    const needsDetail = (name: string) => detailFields?.has(name) || at.lacks?.has(name);
    if (!at.detail && detailFields && fields.some((field) => needsDetail(field.fieldDef.name))) {
      this.add(place, lookupCalls(type as EntityType, at.distinct), 0);
    }
    for (const field of fields) this.visitField(objectType, field, at, place);
  }

  private visitField(
    parentType: GraphQLObjectType,
    field: CollectedField,
    at: Instances,
    parent: Place,
  ): void {
    const { fieldDef } = field;
    const node = field.nodes[0];
    if (!node) return;
    const args = argumentsOf(this.scope, fieldDef, node);
    if (!args) return; // execution rejects the field without running it
    const coordinate = `${parentType.name}.${fieldDef.name}`;
    const childType = getNamedType(fieldDef.type);
    const plumbing = /(Connection|Edge)$/.test(parentType.name);
    const site = fieldSite(parent.site, field.responseKey, fieldDef.type);
    const place: Place = plumbing
      ? { ...parent, site }
      : {
          path: parent.path ? `${parent.path}.${field.responseKey}` : field.responseKey,
          field: node,
          fieldSite: site,
          site,
        };
    const selections = subSelections(field);
    const descend = (instances: Instances, runtimeType = childType): void => {
      if (selections.length > 0 && isObjectType(runtimeType))
        this.visit(runtimeType, selections, instances, place);
    };

    // Mutations (src/resolvers/Mutation.ts): the change (one call; a batch call per 100 items), then the changed
    // objects read again (lookups); what the payload selects of them costs as on any object read in full.
    if (parentType.name === 'Mutation') {
      const mutated: MutationField | undefined = (MUTATION_FIELDS as Record<string, MutationField>)[
        fieldDef.name
      ];
      if (!mutated) return;
      const batch = (args.input as Record<string, unknown> | undefined)?.[mutated.items ?? ''];
      const count = Array.isArray(batch) ? batch.length : 1;
      const changeCalls = mutated.items ? Math.ceil(count / BATCH_SIZE) : 1;
      this.add(place, changeCalls + lookupCalls(mutated.type, count), count);
      descend({ count, distinct: count, detail: true, ancestors: {} });
      return;
    }

    // Search connections: one Search call a page of `first` or `last` (two for `last` without `before`: the total
    // first; one for a page of none, for `totalCount`).
    const searchRole = FIELD_ROLES.get(coordinate);
    if (searchRole?.kind === 'search' && isObjectType(childType)) {
      const size = args.first ?? args.last ?? DEFAULT_FIRST;
      // An invalid size is the resolver's to reject (BAD_USER_INPUT) before any call.
      if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || size > MAX_FIRST) return;
      const backwardFromEnd =
        args.last !== undefined && args.last !== null && typeof args.before !== 'string';
      // A page after a cursor that carries a key may go on past the window by key: up to MAX_KEYSET_CALLS calls.
      const keyed = typeof args.after === 'string' && peekKeyed(args.after);
      const calls = (backwardFromEnd ? 2 : keyed ? MAX_KEYSET_CALLS : 1) * at.distinct;
      const items: Instances = {
        count: at.count * size,
        distinct: at.distinct * size,
        detail: false,
        ancestors: isEntityType(parentType.name)
          ? { ...at.ancestors, [parentType.name]: { distinct: at.distinct, known: true, detail: at.detail } }
          : {},
        lacks: new Set<string>(ENTITIES[searchRole.type].search[searchRole.index]?.lacks),
      };
      this.add(place, calls, at.count * size);
      descend({ count: at.count, distinct: at.distinct, detail: true, ancestors: {}, items });
      return;
    }
    // Connections: XConnection! with `first`.
    if (isObjectType(childType) && childType.name.endsWith('Connection') && 'first' in args) {
      const first = args.first ?? DEFAULT_FIRST;
      // An invalid `first` is the preflight's to reject (BAD_USER_INPUT); nothing runs.
      if (typeof first !== 'number' || !Number.isInteger(first) || first < 0 || first > MAX_FIRST) return;
      const after = typeof args.after === 'string' ? args.after : undefined;
      const pageSize = (after && peekPageSize(after)) || this.chainPageSize;
      const perParent = listCalls(
        first,
        pageSize,
        after !== undefined,
        this.selectsHasNextPage(childType, selections),
      );
      const role = FIELD_ROLES.get(coordinate);
      const itemType = role?.type ?? childType.name.slice(0, -'Connection'.length);
      const parentEntity = isEntityType(parentType.name) ? parentType.name : undefined;
      const lacks =
        role?.kind === 'alsoListed' ? ENTITIES[role.type].alsoListed[role.index]?.lacks : undefined;
      // A links connection's nodes are looked up by key (BatchGet), when selected.
      const linkLookups =
        role?.kind === 'links' && this.selectsNodes(childType, selections)
          ? lookupCalls(role.type, at.distinct * first)
          : 0;
      const items: Instances = {
        count: at.count * first,
        distinct: at.distinct * first,
        detail: isEntityType(itemType) && (listItemsAreDetails(itemType) || role?.kind === 'links'),
        ancestors: parentEntity
          ? { ...at.ancestors, [parentEntity]: { distinct: at.distinct, known: true, detail: at.detail } }
          : {},
        ...(lacks && lacks.length > 0 ? { lacks: new Set<string>(lacks) } : {}),
      };
      this.add(place, at.distinct * perParent + linkLookups, at.count * first);
      descend({ count: at.count, distinct: at.distinct, detail: true, ancestors: {}, items });
      return;
    }
    // Relay plumbing: a connection's `nodes`/`edges`, an edge's `node`.
    if (plumbing) {
      if (at.items && (fieldDef.name === 'nodes' || fieldDef.name === 'edges' || fieldDef.name === 'node')) {
        descend(fieldDef.name === 'edges' ? { ...at, items: at.items } : at.items);
      }
      return;
    }

    const typeName = childType.name;
    const role = FIELD_ROLES.get(coordinate);
    if (role?.kind === 'parent') {
      const ancestor = role.type;
      const held = at.ancestors[ancestor];
      const distinct = Math.min(at.distinct, held?.distinct ?? at.distinct);
      this.add(place, held?.known ? 0 : lookupCalls(ancestor, distinct), 0);
      descend({
        count: at.count,
        distinct,
        detail: held?.known ? held.detail : true,
        ancestors: pick(at.ancestors, keyAncestorsOf(ancestor)),
      });
      return;
    }
    if (role?.kind === 'childLookup') {
      const parentEntity = parentType.name as EntityType;
      this.add(place, lookupCalls(role.type, at.distinct), 0);
      descend({
        count: at.count,
        distinct: at.distinct,
        detail: true,
        ancestors: {
          ...at.ancestors,
          [parentEntity]: { distinct: at.distinct, known: true, detail: at.detail },
        },
      });
      return;
    }
    // A reference to another entity by IDs the object carries (`Session.fleet`, `Session.worker`); when the
    // referenced ID is a detail-only member (`SessionAction.session`), the object's detail first.
    if (isEntityType(parentType.name) && isEntityType(typeName) && Object.keys(args).length === 0) {
      const ownId = String(KEY_PARTS[typeName].at(-1));
      if (!at.detail && DETAIL_FIELDS[parentType.name].has(ownId))
        this.add(place, lookupCalls(parentType.name, at.distinct), 0);
      this.visitReference(parentType.name, typeName, at, descend, place);
      return;
    }
    // A reference from a value object of an entity (`TaskRunAction.task` in a session action's definition): one
    // lookup per distinct object.
    if (isEntityType(typeName) && !isEntityType(parentType.name) && parentType !== this.scope.rootType) {
      this.add(place, lookupCalls(typeName, at.distinct), 0);
      descend({ count: at.count, distinct: at.distinct, detail: true, ancestors: {} });
      return;
    }
    if (parentType === this.scope.rootType) {
      const typed = this.rootLookup(fieldDef.name, typeName, args);
      if (typed) {
        const listLength = Array.isArray(args.ids)
          ? args.ids.length
          : Array.isArray(args.representations)
            ? args.representations.length
            : 0;
        let calls = 0;
        for (const [type, { distinct }] of typed) calls += lookupCalls(type, distinct);
        this.add(place, calls, listLength);
        for (const [type, { count, distinct }] of typed) {
          const runtimeType = this.scope.schema.getType(type);
          if (!isObjectType(runtimeType)) continue;
          const ancestors: Partial<Record<EntityType, Ancestor>> = {};
          for (const a of keyAncestorsOf(type)) ancestors[a] = { distinct, known: false, detail: false };
          descend({ count, distinct, detail: true, ancestors }, runtimeType);
        }
        return;
      }
    }
    // Farm.usage: one aggregation's calls per distinct farm (Start, status polls, result pages), its rows as items.
    if (coordinate === 'Farm.usage') {
      this.add(place, at.distinct * USAGE_MAX_CALLS, at.count * USAGE_MAX_RESULT_PAGES * USAGE_PAGE_SIZE);
      return;
    }
    // Value objects (host properties, log configurations, parameters, page info), _service: free, no fan-out.
    if (selections.length > 0 && isCompositeType(childType)) {
      for (const runtimeType of runtimeTypes(this.scope, childType)) {
        descend({ count: at.count, distinct: at.distinct, detail: true, ancestors: {} }, runtimeType);
      }
    }
  }

  /**
   * A reference from one object to an entity of `type` it is not keyed under: one lookup per distinct object, fewer
   * for fleets (at most `maxFleetsPerFarm` per farm, GetFleet having no batch API). Key ancestors the two share are
   * passed on as known to the walk; the referenced entity's other key ancestors are unknown.
   */
  private visitReference(
    from: EntityType,
    type: EntityType,
    at: Instances,
    descend: (instances: Instances) => void,
    place: Place,
  ): void {
    const farms = at.ancestors.Farm?.distinct ?? at.distinct;
    const fleets = Math.min(at.distinct, farms * this.maxFleetsPerFarm);
    const distinct = type === 'Fleet' ? fleets : at.distinct;
    this.add(place, lookupCalls(type, distinct), 0);
    const ancestors: Partial<Record<EntityType, Ancestor>> = {};
    const shared = keyAncestorsOf(from);
    for (const ancestor of keyAncestorsOf(type)) {
      const held = at.ancestors[ancestor];
      if (held) ancestors[ancestor] = held;
      else if (!shared.includes(ancestor)) {
        ancestors[ancestor] = {
          distinct: ancestor === 'Fleet' ? fleets : at.distinct,
          known: false,
          detail: false,
        };
      }
    }
    descend({ count: at.count, distinct, detail: true, ancestors });
  }

  /** Root lookups (native IDs, `node`/`nodes` under any name, `_entities`): results per entity type. */
  private rootLookup(name: string, typeName: string, args: Record<string, unknown>): TypedCounts | undefined {
    const counts: TypedCounts = new Map();
    const addKeys = (entries: Array<{ type: string; key: string }>) => {
      const seen = new Map<EntityType, Set<string>>();
      for (const { type, key } of entries) {
        if (!isEntityType(type)) continue;
        const keys = seen.get(type) ?? new Set<string>();
        keys.add(key);
        seen.set(type, keys);
        const entry = counts.get(type) ?? { count: 0, distinct: 0 };
        entry.count += 1;
        counts.set(type, entry);
      }
      for (const [type, keys] of seen) {
        const entry = counts.get(type);
        if (entry) entry.distinct = keys.size;
      }
    };
    const role = FIELD_ROLES.get(`Query.${name}`);
    const lookup = role?.kind === 'rootLookup' ? role.type : undefined;
    if (lookup && typeName === lookup) {
      counts.set(lookup, { count: 1, distinct: 1 });
      return counts;
    }
    if (typeName === 'Node' && typeof args.id === 'string') {
      const typed = parseGlobalId(args.id);
      if (typed) counts.set(typed.type, { count: 1, distinct: 1 });
      return counts;
    }
    if (typeName === 'Node' && Array.isArray(args.ids)) {
      addKeys(
        args.ids.flatMap((id) => {
          const typed = typeof id === 'string' ? parseGlobalId(id) : undefined;
          return typed ? [{ type: typed.type, key: id as string }] : [];
        }),
      );
      return counts;
    }
    if (name === '_entities' && Array.isArray(args.representations)) {
      addKeys(
        args.representations.flatMap((representation) => {
          if (typeof representation !== 'object' || representation === null) return [];
          const { __typename: type, ...key } = representation as Record<string, unknown>;
          return typeof type === 'string' ? [{ type, key: stableKey(key) }] : [];
        }),
      );
      return counts;
    }
    return undefined;
  }

  /** Whether a connection's selection asks for its nodes (`nodes`, or `edges { node }`). */
  private selectsNodes(connectionType: GraphQLObjectType, selections: readonly SelectionSetNode[]): boolean {
    for (const field of collectFields(this.scope, connectionType, selections)) {
      if (field.fieldDef.name === 'nodes') return true;
      if (field.fieldDef.name !== 'edges') continue;
      const edge = getNamedType(field.fieldDef.type);
      if (
        isObjectType(edge) &&
        collectFields(this.scope, edge, subSelections(field)).some((f) => f.fieldDef.name === 'node')
      )
        return true;
    }
    return false;
  }

  /** Whether a connection's selection asks for `pageInfo { hasNextPage }` (which may cost a look-ahead call). */
  private selectsHasNextPage(
    connectionType: GraphQLObjectType,
    selections: readonly SelectionSetNode[],
  ): boolean {
    for (const field of collectFields(this.scope, connectionType, selections)) {
      if (field.fieldDef.name !== 'pageInfo') continue;
      const pageInfo = getNamedType(field.fieldDef.type);
      if (!isObjectType(pageInfo)) continue;
      if (
        collectFields(this.scope, pageInfo, subSelections(field)).some(
          (f) => f.fieldDef.name === 'hasNextPage',
        )
      ) {
        return true;
      }
    }
    return false;
  }
}

/** List calls for one parent: see the header. */
export function listCalls(first: number, pageSize: number, resumed: boolean, hasNextPage: boolean): number {
  if (first === 0) return hasNextPage ? 1 : 0;
  const pages = Math.ceil(first / pageSize);
  if (resumed) return pages + 1;
  return pages + (hasNextPage && first % pageSize === 0 ? 1 : 0);
}

/** Calls to look up `distinct` keys of `type`: one Get each, or 100-key BatchGets. */
export function lookupCalls(type: EntityType, distinct: number): number {
  if (distinct <= 0) return 0;
  return isBatched(type) ? Math.ceil(distinct / BATCH_SIZE) : distinct;
}

function pick(
  ancestors: Partial<Record<EntityType, Ancestor>>,
  types: readonly EntityType[],
): Partial<Record<EntityType, Ancestor>> {
  const picked: Partial<Record<EntityType, Ancestor>> = {};
  for (const type of types) {
    const ancestor = ancestors[type];
    if (ancestor) picked[type] = ancestor;
  }
  return picked;
}

function stableKey(value: Record<string, unknown>): string {
  return JSON.stringify(
    Object.keys(value)
      .sort()
      .map((key) => [key, value[key]]),
  );
}
