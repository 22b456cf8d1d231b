/**
 * Which objects a user may see: everything (admins), or the cameras of some organisations and/or
 * of a region subtree. Anything outside is answered like something missing (404).
 */
export type Scope =
  | { readonly all: true }
  | {
      readonly all: false;
      readonly organisationIds: readonly string[];
      /** Materialised paths of the regions whose subtrees the user covers. */
      readonly regionPaths: readonly string[];
    };

export const EVERYTHING: Scope = { all: true };
export const NOTHING: Scope = { all: false, organisationIds: [], regionPaths: [] };

/** Whether an object owned by `organisationId` and placed at `regionPath` is in scope. */
export function inScope(scope: Scope, organisationId: string | null, regionPath: string | null): boolean {
  if (scope.all) return true;
  if (organisationId !== null && scope.organisationIds.includes(organisationId)) return true;
  return regionPath !== null && scope.regionPaths.some((p) => regionPath.startsWith(p));
}
