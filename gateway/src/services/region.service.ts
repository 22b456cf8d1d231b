import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { parentKindOf, requiresAdminCode, type RegionKind } from '../domain/catalog.js';
import type { Clock } from '../domain/clock.js';
import { VigilError } from '../domain/errors.js';
import { uniqueViolation } from '../storage/db-errors.js';
import type { RegionRepository } from '../storage/repositories/region.repository.js';
import type { Database, RegionRow } from '../storage/schema.js';
import type { Actor, AuditService } from './audit.service.js';

export interface RegionInput {
  readonly name: string;
  readonly kind: RegionKind;
  readonly parentId?: string | null | undefined;
  readonly adminCode?: string | null | undefined;
}

export interface RegionUpdateInput {
  readonly name?: string | undefined;
  readonly parentId?: string | null | undefined;
  readonly adminCode?: string | null | undefined;
}

export interface RegionView {
  readonly id: string;
  readonly name: string;
  readonly kind: RegionKind;
  readonly parentId: string | null;
  readonly adminCode: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface RegionTreeNode extends RegionView {
  readonly children: RegionTreeNode[];
}

function view(row: RegionRow): RegionView {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    parentId: row.parent_id,
    adminCode: row.admin_code,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

type Db = Kysely<Database>;

/** The region tree: city › district › station › grid. */
export class RegionService {
  constructor(
    private readonly deps: { readonly db: Db; readonly regions: RegionRepository; readonly audit: AuditService; readonly clock: Clock },
  ) {}

  async get(id: string): Promise<RegionView> {
    return view(await this.require(id, this.deps.db));
  }

  async list(filter: { parentId?: string | null; kind?: RegionKind }): Promise<RegionView[]> {
    return (await this.deps.regions.list(filter)).map(view);
  }

  /** The whole forest, or the subtree under `rootId`. */
  async tree(rootId?: string): Promise<RegionTreeNode[]> {
    const rows = rootId ? await this.deps.regions.subtree((await this.require(rootId, this.deps.db)).path) : await this.deps.regions.list({});
    const nodes = new Map<string, RegionTreeNode>(rows.map((r) => [r.id, { ...view(r), children: [] }]));
    const roots: RegionTreeNode[] = [];
    // Rows are ordered by path, so a parent is always placed before its children.
    for (const row of rows) {
      const node = nodes.get(row.id)!;
      const parent = row.parent_id ? nodes.get(row.parent_id) : undefined;
      if (parent && row.id !== rootId) parent.children.push(node);
      else roots.push(node);
    }
    for (const node of nodes.values()) node.children.sort((a, b) => a.name.localeCompare(b.name));
    return roots.sort((a, b) => a.name.localeCompare(b.name));
  }

  async create(input: RegionInput, actor: Actor): Promise<RegionView> {
    const id = randomUUID();
    const at = this.deps.clock.now().toISOString();
    if (requiresAdminCode(input.kind) && !input.adminCode) {
      throw new VigilError('VALIDATION_FAILED', `adminCode: a ${input.kind} needs an administrative code`, { field: 'adminCode' });
    }
    await this.write(async (trx) => {
      const parent = await this.checkParent(input.kind, input.parentId ?? null, trx);
      await this.checkAdminCode(input.adminCode ?? null, null, trx);
      await this.deps.regions.insert(
        {
          id,
          name: input.name.trim(),
          kind: input.kind,
          parent_id: parent?.id ?? null,
          admin_code: input.adminCode ?? null,
          path: `${parent?.path ?? '/'}${id}/`,
          created_at: at,
          updated_at: at,
        },
        trx,
      );
      await this.deps.audit.record(trx, actor, 'region.created', { type: 'region', id }, { name: input.name, kind: input.kind });
    });
    return this.get(id);
  }

  async update(id: string, input: RegionUpdateInput, actor: Actor): Promise<RegionView> {
    await this.write(async (trx) => {
      const current = await this.require(id, trx);
      if (input.adminCode === null && requiresAdminCode(current.kind)) {
        throw new VigilError('VALIDATION_FAILED', `adminCode: a ${current.kind} needs an administrative code`, { field: 'adminCode' });
      }
      if (input.adminCode) await this.checkAdminCode(input.adminCode, id, trx);
      let path = current.path;
      if (input.parentId !== undefined && input.parentId !== current.parent_id) {
        const parent = await this.checkParent(current.kind, input.parentId, trx);
        // Moving a region under itself or its own descendant would cut the tree into a loop.
        if (parent && parent.path.startsWith(current.path)) {
          throw new VigilError('INVALID_REGION_PARENT', 'a region cannot move under itself or its descendants', { field: 'parentId' });
        }
        path = `${parent?.path ?? '/'}${id}/`;
        await this.deps.regions.movePaths(current.path, path, trx);
      }
      await this.deps.regions.update(
        id,
        {
          ...(input.name !== undefined && { name: input.name.trim() }),
          ...(input.adminCode !== undefined && { admin_code: input.adminCode }),
          ...(input.parentId !== undefined && { parent_id: input.parentId }),
          updated_at: this.deps.clock.now().toISOString(),
        },
        trx,
      );
      await this.deps.audit.record(trx, actor, 'region.updated', { type: 'region', id }, { fields: Object.keys(input) });
    });
    return this.get(id);
  }

  async delete(id: string, actor: Actor): Promise<void> {
    await this.write(async (trx) => {
      await this.require(id, trx);
      const usage = await this.deps.regions.usage(id, trx);
      if (usage.children + usage.organisations + usage.cameras > 0) {
        throw new VigilError('REGION_IN_USE', 'the region still has child regions, organisations or cameras', usage);
      }
      await this.deps.regions.delete(id, trx);
      await this.deps.audit.record(trx, actor, 'region.deleted', { type: 'region', id });
    });
  }

  private async require(id: string, db: Db): Promise<RegionRow> {
    const row = await this.deps.regions.findById(id, db);
    if (!row) throw new VigilError('REGION_NOT_FOUND', `region ${id} does not exist`);
    return row;
  }

  private async write(work: (trx: Db) => Promise<void>): Promise<void> {
    try {
      await this.deps.db.transaction().execute(work);
    } catch (err) {
      if (uniqueViolation(err)) throw new VigilError('DUPLICATE_REGION_CODE', 'another region has this administrative code');
      throw err;
    }
  }

  private async checkParent(kind: RegionKind, parentId: string | null, trx: Db): Promise<RegionRow | null> {
    const expected = parentKindOf(kind);
    if (expected === null) {
      if (parentId !== null) throw new VigilError('INVALID_REGION_PARENT', 'a city is a root region and has no parent', { field: 'parentId' });
      return null;
    }
    if (parentId === null) throw new VigilError('INVALID_REGION_PARENT', `a ${kind} must sit under a ${expected}`, { field: 'parentId' });
    const parent = await this.deps.regions.findById(parentId, trx);
    if (!parent) throw new VigilError('REGION_NOT_FOUND', `region ${parentId} does not exist`, { field: 'parentId' });
    if (parent.kind !== expected) {
      throw new VigilError('INVALID_REGION_PARENT', `a ${kind} must sit under a ${expected}, not a ${parent.kind}`, { field: 'parentId' });
    }
    return parent;
  }

  private async checkAdminCode(code: string | null, exceptId: string | null, trx: Db): Promise<void> {
    if (!code) return;
    const existing = await this.deps.regions.findByAdminCode(code, trx);
    if (existing && existing.id !== exceptId) {
      throw new VigilError('DUPLICATE_REGION_CODE', `region "${existing.name}" has administrative code ${code}`, { existingRegionId: existing.id });
    }
  }
}
