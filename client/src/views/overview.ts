import type { ViewModule } from './types';

/** The overview map: base layers only, no side panel. */
export const overviewView: ViewModule = {
  id: 'map',
  labelKey: 'view.map',
  order: 0,
  hasPanel: false,
  activate() {},
  deactivate() {},
};
