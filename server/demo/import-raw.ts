/**
 * The demo district through the real district's import path: its raw files (boundaries, streets,
 * buildings, household register; geodata/generator/raw-files.ts) are parsed, checked and written by
 * the same functions POST /api/import runs (prepareImportFile → commitImport, one transaction per
 * file), boundaries first (they tell where the district is). The files are parsed on the calling
 * thread, not in worker threads as uploads of 1 MB and more are: at start-up no request waits on the
 * event loop, and starting three workers (each loading the importer) cost more than the parse
 * itself (measured: 1.8 s wall, 3.2 CPU-s in workers against 0.5 s, 0.7 CPU-s in-line).
 */
import type { Db } from '../db';
import type { RawDistrictFiles } from '../../geodata/generator/raw-files';
import { commitImport, districtBoxOf, prepareImportFile, type ImportReport, type PreparedImport } from '../import/import-file';
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
  const run = async (layer: RawLayer, prep: PreparedImport): Promise<ImportReport> => {
    onProgress(`importing ${DEMO_FILES[layer]} (${prep.featureCount} features)`);
    const report = await commitImport(db, prep, {});
    if (report.rejected > 0) onProgress(`${DEMO_FILES[layer]}: ${report.rejected} rejected, first: ${JSON.stringify(report.rejections[0])}`);
    return report;
  };
  const prepare = async (layer: RawLayer) =>
    prepareImportFile(bytes[layer], DEMO_FILES[layer], { layer, datum: 'wgs84', districtBox: await districtBoxOf(db) });

  onProgress('parsing the boundaries');
  const boundaries = await run('boundaries', await prepare('boundaries'));
  return {
    boundaries,
    streets: await run('streets', await prepare('streets')),
    buildings: await run('buildings', await prepare('buildings')),
    register: await run('register', await prepare('register')),
  };
}
