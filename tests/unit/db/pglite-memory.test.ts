import { describe, expect, it } from 'vitest';
import { list } from 'tar';
import { fileURLToPath } from 'node:url';
import { keepEntry, slimPostgisBundle } from '../../../server/db/postgis-bundle';
import { memorySettings } from '../../../server/db/pglite';

const STOCK = fileURLToPath(new URL('../../../node_modules/@electric-sql/pglite-postgis/dist/postgis.tar.gz', import.meta.url));

describe('the slim PostGIS bundle', () => {
  it('keeps postgis, its install script and PROJ; drops raster, topology, upgrade paths and contrib', () => {
    for (const p of [
      'lib/postgresql/postgis-3.so',
      'share/postgresql/extension/postgis.control',
      'share/postgresql/extension/postgis--3.6.2.sql',
      'share/proj/proj.db',
      './share/proj/proj.ini',
    ]) {
      expect(keepEntry(p), p).toBe(true);
    }
    for (const p of [
      'lib/postgresql/postgis_raster-3.so',
      'lib/postgresql/postgis_topology-3.so',
      'share/postgresql/extension/postgis--3.6.1--3.6.2.sql',
      'share/postgresql/extension/postgis--ANY--3.6.2.sql',
      'share/postgresql/extension/postgis--unpackaged--3.6.2.sql',
      'share/postgresql/extension/postgis_raster.control',
      'share/postgresql/extension/postgis_tiger_geocoder--3.6.2.sql',
      'share/postgresql/contrib/postgis-3.6/spatial_ref_sys.sql',
    ]) {
      expect(keepEntry(p), p).toBe(false);
    }
  });

  it('is built from the installed bundle with every file it needs', async () => {
    const file = slimPostgisBundle(STOCK);
    expect(slimPostgisBundle(STOCK)).toBe(file); // cached
    const names: string[] = [];
    await list({ file, onReadEntry: (e) => void names.push(e.path) });
    expect(names).toContain('lib/postgresql/postgis-3.so');
    expect(names).toContain('share/proj/proj.db');
    expect(names.some((n) => /postgis--\d+\.\d+\.\d+\.sql$/.test(n))).toBe(true);
    expect(names.filter((n) => n.endsWith('.so'))).toEqual(['lib/postgresql/postgis-3.so']);
  });
});

describe('PGlite memory settings', () => {
  it('32 MB shared buffers by default, overridable, and refuses nonsense', () => {
    const d = memorySettings({});
    expect(d.join(' ')).toContain('shared_buffers=32MB');
    expect(d.join(' ')).toContain('maintenance_work_mem=16MB');
    expect(d.slice(0, 2)).toEqual(['--single', '-F']); // PGlite's own start parameters kept
    expect(memorySettings({ WANGGE_PGLITE_SHARED_BUFFERS: '128MB' }).join(' ')).toContain('shared_buffers=128MB');
    expect(() => memorySettings({ WANGGE_PGLITE_SHARED_BUFFERS: '1; DROP' })).toThrow(/32MB/);
  });
});
