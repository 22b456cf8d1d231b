import { api, humanMessage, type Page } from '../../api';
import { clear, el } from '../../dom';
import { field, input, onTyping, select } from '../../ui/form';
import { forgetLookups, regionOptions, regionTree, type Organisation, type RegionNode } from '../../ui/lookups';
import { pagedTable } from '../../ui/paged-table';

const OWNER_TYPES: ReadonlyArray<readonly [string, string]> = [['government', 'Government'], ['business', 'Business'], ['residential', 'Residential']];
const KINDS: ReadonlyArray<readonly [string, string]> = [['city', 'City'], ['district', 'District'], ['station', 'Police station'], ['grid', 'Grid']];

/** Organisations (owners of cameras) and the region tree (city › district › station › grid). */
export function organisationsView(): HTMLElement {
  const message = el('p', { class: 'error', role: 'alert' });
  const notice = el('p', { class: 'notice', role: 'status' });
  const q = input('Find organisation', { type: 'search', placeholder: 'Name' });
  const orgs = pagedTable<Organisation>({
    name: 'organisations',
    fetch: (limit, offset) => api<Page<Organisation>>('GET', `/api/organisations?limit=${limit}&offset=${offset}${q.value.trim() ? `&q=${encodeURIComponent(q.value.trim())}` : ''}`),
    rowAttributes: (o) => ({ 'data-organisation-id': o.id }),
    onRowClick: (o) => editOrganisation(o),
    columns: [
      { title: 'Name', cell: (o) => o.name },
      { title: 'Owner type', cell: (o) => o.ownerType },
      { title: 'Views', cell: (o) => el('a', { href: `#/transparency/${o.id}` }, 'who watched') },
    ],
  });
  onTyping(q, () => void orgs.reload(true));

  const name = input('Organisation name', { maxlength: 200 });
  const ownerType = select('Owner type', OWNER_TYPES, 'business');
  const orgRegion = select('Organisation region', [['', 'No region']]);
  const orgTitle = el('h3', {}, 'New organisation');
  const orgSave = el('button', { type: 'submit' }, 'Create organisation');
  const orgDelete = el('button', { type: 'button', class: 'danger', hidden: true }, 'Delete');
  const orgNew = el('button', { type: 'button', class: 'secondary', hidden: true }, 'New organisation');
  let editingOrg: Organisation | null = null;
  function editOrganisation(o: Organisation | null): void {
    editingOrg = o;
    name.value = o?.name ?? '';
    ownerType.value = o?.ownerType ?? 'business';
    orgRegion.value = o?.regionId ?? '';
    orgTitle.textContent = o ? `Edit ${o.name}` : 'New organisation';
    orgSave.textContent = o ? 'Save organisation' : 'Create organisation';
    orgDelete.hidden = orgNew.hidden = o === null;
  }
  const orgForm = el('form', { class: 'form', novalidate: true, 'data-form': 'organisation' }, orgTitle, field('Name', name), field('Owner type', ownerType), field('Region', orgRegion), el('div', { class: 'row' }, orgSave, orgDelete, orgNew));
  const afterOrgChange = (text: string) => {
    notice.textContent = text;
    editOrganisation(null);
    forgetLookups();
    return orgs.reload();
  };
  orgNew.addEventListener('click', () => editOrganisation(null));
  orgDelete.addEventListener('click', () => {
    const o = editingOrg;
    if (!o || !window.confirm(`Delete ${o.name}? An organisation that still owns cameras is kept.`)) return;
    void api('DELETE', `/api/organisations/${o.id}`)
      .then(() => afterOrgChange(`Deleted ${o.name}.`))
      .catch((err: unknown) => (message.textContent = humanMessage(err)));
  });
  orgForm.addEventListener('submit', (e) => {
    e.preventDefault();
    message.textContent = '';
    notice.textContent = '';
    if (!name.value.trim()) return void (message.textContent = 'A name is needed.');
    const body = { name: name.value.trim(), ownerType: ownerType.value, regionId: orgRegion.value || null };
    const call = editingOrg ? api<Organisation>('PATCH', `/api/organisations/${editingOrg.id}`, body).then((o) => `Saved ${o.name}.`) : api<Organisation>('POST', '/api/organisations', body).then((o) => `Created ${o.name}.`);
    void call.then(afterOrgChange).catch((err: unknown) => (message.textContent = humanMessage(err)));
  });

  const tree = el('ul', { class: 'tree', 'data-tree': 'regions' });
  const regionName = input('Region name', { maxlength: 200 });
  const kind = select('Region kind', KINDS, 'district');
  const parent = select('Parent region', [['', 'None (top level)']]);
  const adminCode = input('Administrative code', { inputmode: 'numeric', placeholder: '6–8 digits; cities and districts' });
  const regionTitle = el('h3', {}, 'New region');
  const regionSave = el('button', { type: 'submit' }, 'Add region');
  const regionDelete = el('button', { type: 'button', class: 'danger', hidden: true }, 'Delete');
  const regionNew = el('button', { type: 'button', class: 'secondary', hidden: true }, 'New region');
  let editingRegion: RegionNode | null = null;
  function editRegion(r: RegionNode | null): void {
    editingRegion = r;
    regionName.value = r?.name ?? '';
    kind.value = r?.kind ?? 'district';
    kind.disabled = r !== null;
    parent.value = r?.parentId ?? '';
    adminCode.value = r?.adminCode ?? '';
    regionTitle.textContent = r ? `Edit ${r.name}` : 'New region';
    regionSave.textContent = r ? 'Save region' : 'Add region';
    regionDelete.hidden = regionNew.hidden = r === null;
  }
  const regionForm = el('form', { class: 'form', novalidate: true, 'data-form': 'region' }, regionTitle, field('Name', regionName), field('Kind', kind), field('Parent', parent), field('Administrative code', adminCode), el('div', { class: 'row' }, regionSave, regionDelete, regionNew));
  regionNew.addEventListener('click', () => editRegion(null));
  regionDelete.addEventListener('click', () => {
    const r = editingRegion;
    if (!r || !window.confirm(`Delete ${r.name}? A region still in use is kept.`)) return;
    void api('DELETE', `/api/regions/${r.id}`)
      .then(() => {
        notice.textContent = `Deleted ${r.name}.`;
        editRegion(null);
        forgetLookups();
        return drawTree();
      })
      .catch((err: unknown) => (message.textContent = humanMessage(err)));
  });
  const drawTree = async () => {
    const draw = (nodes: RegionNode[]): HTMLElement[] =>
      nodes.map((n) => {
        const label = el('button', { type: 'button', class: 'link', title: 'Edit' }, n.name);
        label.addEventListener('click', () => editRegion(n));
        return el('li', { 'data-region-id': n.id }, label, ' ', el('span', { class: 'muted' }, `${n.kind}${n.adminCode ? ` ${n.adminCode}` : ''}`), n.children.length ? el('ul', {}, ...draw(n.children)) : null);
      });
    clear(tree);
    tree.append(...draw(await regionTree()));
    for (const select of [parent, orgRegion]) {
      const keep = select.options[0]!;
      clear(select);
      select.append(keep);
      for (const r of await regionOptions()) select.append(el('option', { value: r.id }, r.indented));
    }
  };
  regionForm.addEventListener('submit', (e) => {
    e.preventDefault();
    message.textContent = '';
    if (!regionName.value.trim()) return void (message.textContent = 'A region name is needed.');
    if (adminCode.value && !/^[0-9]{6,8}$/.test(adminCode.value)) return void (message.textContent = 'The administrative code is 6 to 8 digits.');
    const fields = { name: regionName.value.trim(), parentId: parent.value || null, adminCode: adminCode.value || null };
    const call = editingRegion
      ? api<RegionNode>('PATCH', `/api/regions/${editingRegion.id}`, fields).then((r) => `Saved ${r.name}.`)
      : api<RegionNode>('POST', '/api/regions', { ...fields, kind: kind.value }).then((r) => `Added ${r.name}.`);
    void call
      .then((text) => {
        notice.textContent = text;
        editRegion(null);
        forgetLookups();
        return drawTree();
      })
      .catch((err: unknown) => (message.textContent = humanMessage(err)));
  });

  void orgs.reload(true);
  void drawTree().catch((err: unknown) => (message.textContent = humanMessage(err)));
  return el(
    'main',
    { class: 'page wide', 'data-view': 'organisations' },
    el('h2', {}, 'Organisations and regions'),
    message,
    notice,
    el('div', { class: 'grid2' }, el('section', { class: 'panel' }, el('div', { class: 'row' }, q), orgs.element), el('section', { class: 'panel' }, orgForm)),
    el('div', { class: 'grid2' }, el('section', { class: 'panel' }, el('h3', {}, 'Region tree'), tree), el('section', { class: 'panel' }, regionForm)),
  );
}
