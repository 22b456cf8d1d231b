import { z } from 'zod';
import { OWNER_TYPES, REGION_KINDS } from '../../domain/catalog.js';
import { pageFields, text, type PageLimits } from '../validation.js';

const adminCode = z.string().regex(/^[0-9]{6,8}$/, 'must be 6 to 8 digits');

const organisationFields = {
  name: text(200),
  ownerType: z.enum(OWNER_TYPES),
  industryCode: z.string().regex(/^[0-9]{2}$/, 'must be 2 digits (GB/T 28181 industry code)').nullable().optional(),
  regionId: z.string().min(1).max(64).nullable().optional(),
  contactName: text(200).nullable().optional(),
  contactPhone: z.string().regex(/^[0-9+()\- ]{3,32}$/, 'must be a phone number').nullable().optional(),
  contactEmail: z.email().max(254).nullable().optional(),
};

export const organisationCreateBody = z.strictObject(organisationFields);
export const organisationUpdateBody = z
  .strictObject({ ...organisationFields, name: organisationFields.name.optional(), ownerType: organisationFields.ownerType.optional() })
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to update' });

export function organisationListQuery(limits: PageLimits) {
  return z.strictObject({
    ownerType: z.enum(OWNER_TYPES).optional(),
    regionId: z.string().max(64).optional(),
    q: z.string().max(200).optional(),
    ...pageFields(limits),
  });
}

export const organisationView = z.object({
  id: z.string(),
  name: z.string(),
  ownerType: z.enum(OWNER_TYPES),
  industryCode: z.string().nullable(),
  regionId: z.string().nullable(),
  contactName: z.string().nullable(),
  contactPhone: z.string().nullable(),
  contactEmail: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const regionCreateBody = z.strictObject({
  name: text(200),
  kind: z.enum(REGION_KINDS),
  parentId: z.string().min(1).max(64).nullable().optional(),
  adminCode: adminCode.nullable().optional().describe('Administrative code; required for cities and districts'),
});

export const regionUpdateBody = z
  .strictObject({
    name: text(200).optional(),
    parentId: z.string().min(1).max(64).nullable().optional(),
    adminCode: adminCode.nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to update' });

export const regionListQuery = z.strictObject({
  parentId: z.string().max(64).optional().describe('"root" for top-level regions'),
  kind: z.enum(REGION_KINDS).optional(),
});

export const regionTreeQuery = z.strictObject({ rootId: z.string().max(64).optional() });

export const regionView = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(REGION_KINDS),
  parentId: z.string().nullable(),
  adminCode: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

type RegionTree = z.infer<typeof regionView> & { children: RegionTree[] };
export const regionTreeNode: z.ZodType<RegionTree> = regionView.extend({
  get children() {
    return z.array(regionTreeNode);
  },
});
