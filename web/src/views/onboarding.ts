import { el } from '../dom';
import { csvImportPanel } from './onboarding/csv-import';
import { discoveryPanel } from './onboarding/discovery';
import { manualPanel } from './onboarding/manual';

/** Adding cameras: discovery (technicians, admins), one by RTSP address, or a CSV file. */
export function onboardingView(tab: string, can: (permission: string) => boolean, isStaff: boolean, openCamera: (id: string) => void): { element: HTMLElement; stop: () => void } {
  const tabs: Array<[string, string]> = [
    ...(can('discovery:run') ? [['discovery', 'ONVIF discovery'] as [string, string]] : []),
    ...(can('camera:create') ? [['manual', 'RTSP address'] as [string, string], ['import', 'CSV import'] as [string, string]] : []),
  ];
  const current = tabs.some(([key]) => key === tab) ? tab : tabs[0]![0];
  let stop = () => undefined as void;
  let panel: HTMLElement;
  if (current === 'discovery') {
    const d = discoveryPanel();
    stop = d.stop;
    panel = d.element;
  } else if (current === 'import') panel = csvImportPanel();
  else panel = manualPanel(isStaff, openCamera);
  const nav = el('nav', { class: 'tabs' }, ...tabs.map(([key, label]) => el('a', { href: `#/onboarding/${key}`, class: key === current ? 'active' : '' }, label)));
  return { element: el('main', { class: 'page wide', 'data-view': 'onboarding' }, el('h2', {}, 'Add cameras'), nav, panel), stop };
}
