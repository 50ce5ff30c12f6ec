import { describe, expect, it } from 'vitest';
import { ImportError } from '../../../common/gis-files/parse-errors';
import { prepareImport, type PreparedImport } from '../../../server/import/import-file';
import { OFF_THREAD_BYTES, prepareImportOffThread } from '../../../server/import/prepare-off-thread';

/** A big file prepared in a worker thread gives exactly what the in-line preparation gives. */
const norm = (p: PreparedImport) => JSON.stringify({ ...p, t0: 0, refLayer: [...p.refLayer] });

describe('prepareImportOffThread', () => {
  it('same prepared import as in-line for a file over the threshold (rows, maps, warnings), and the same ImportError', async () => {
    const rows = ['name,lon,lat,type'];
    for (let i = 0; rows.length < 40_000; i++) rows.push(`店${i},${(117.03 + (i % 1000) / 1e5).toFixed(5)},${(30.51 + i / 1e7).toFixed(6)},餐饮`);
    const bytes = Buffer.from(rows.join('\n') + '\n');
    expect(bytes.byteLength).toBeGreaterThan(OFF_THREAD_BYTES);
    const inline = prepareImport(bytes, 'big.csv', { layer: 'shops' });
    const off = await prepareImportOffThread(bytes, 'big.csv', { layer: 'shops' });
    expect(off.refLayer).toBeInstanceOf(Map);
    expect(off.plan.shops).toHaveLength(39_999);
    expect(norm(off)).toBe(norm(inline));
    const bad = Buffer.concat([bytes, Buffer.from('店x,abc,30.5\n')]);
    const err = await prepareImportOffThread(bad, 'big.csv', { layer: 'shops' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect((err as ImportError).message).toMatch(/^big\.csv: line 40001: longitude 'abc' is not a number/);
  }, 180_000);
});
