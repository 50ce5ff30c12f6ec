/**
 * The demo district through the real district's import path: its raw files (boundaries, streets,
 * buildings, household register; geodata/generator/raw-files.ts) are parsed, checked and written by
 * the same functions POST /api/import runs (prepareImportOffThread → commitImport, one transaction
 * per file). Boundaries go first (they tell where the district is); the three other files are then
 * parsed side by side in worker threads and written one after the other.
 */
import type { Db } from '../db';
import type { RawDistrictFiles } from '../../geodata/generator/raw-files';
import { commitImport, districtBoxOf, type ImportReport } from '../import/import-file';
import { prepareImportOffThread } from '../import/prepare-off-thread';
import type { Layer } from '../../common/gis-files/feature-types';

/** The raw files' names: the import's source column and id prefix (`demo-buildings.geojson:b…`). */
export const DEMO_FILES = {
  boundaries: 'demo-boundaries.geojson',
  streets: 'demo-streets.geojson',
  buildings: 'demo-buildings.geojson',
  register: 'demo-register.csv',
} as const satisfies Partial<Record<Layer, string>>;

export type RawLayer = keyof typeof DEMO_FILES;

const encode = (text: string): Uint8Array => Buffer.from(text, 'utf8');

/** Imports the raw files; throws the importer's ImportError when a file is refused (nothing of it written). */
export async function importRawDistrict(
  db: Db,
  raw: RawDistrictFiles,
  onProgress: (message: string) => void = () => {},
): Promise<Record<RawLayer, ImportReport>> {
  const bytes: Record<RawLayer, Uint8Array> = {
    boundaries: encode(JSON.stringify(raw.boundaries)),
    streets: encode(JSON.stringify(raw.streets)),
    buildings: encode(JSON.stringify(raw.buildings)),
    register: encode(raw.register),
  };
  const run = async (layer: RawLayer, prep: Awaited<ReturnType<typeof prepareImportOffThread>>): Promise<ImportReport> => {
    onProgress(`importing ${DEMO_FILES[layer]} (${prep.featureCount} features)`);
    const report = await commitImport(db, prep, {});
    if (report.rejected > 0) onProgress(`${DEMO_FILES[layer]}: ${report.rejected} rejected, first: ${JSON.stringify(report.rejections[0])}`);
    return report;
  };
  const prepare = async (layer: RawLayer) =>
    prepareImportOffThread(bytes[layer], DEMO_FILES[layer], { layer, datum: 'wgs84', districtBox: await districtBoxOf(db) });

  onProgress('parsing the boundaries');
  const boundaries = await run('boundaries', await prepare('boundaries'));
  onProgress('parsing streets, buildings and register (worker threads)');
  const [streets, buildings, register] = await Promise.all([prepare('streets'), prepare('buildings'), prepare('register')]);
  return {
    boundaries,
    streets: await run('streets', streets),
    buildings: await run('buildings', buildings),
    register: await run('register', register),
  };
}
